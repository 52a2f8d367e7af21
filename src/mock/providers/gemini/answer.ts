/**
 * The simulated Gemini answer, decided once and rendered as one
 * GenerateContentResponse or as stream chunks. As Gemini does, streamed
 * text arrives in pieces, function calls arrive whole in one chunk, every
 * chunk carries usageMetadata so far (the last one is the total) and the
 * last chunk carries the finishReason.
 */
import { textPieces } from "../../common/chunks.ts";
import { randomAlnum } from "../../common/ids.ts";
import { planReply } from "../../common/reply.ts";
import { countInputTokens, countTextTokens, mockUsage } from "../../common/tokens.ts";
import { applyTextLimits } from "../limits/text.ts";
import type { GeminiRequest } from "./summary.ts";

type Part = { text: string } | { functionCall: { name: string; args: unknown } };

export type GeminiFinish = "STOP" | "MAX_TOKENS" | "SAFETY";

export interface GeminiAnswer {
  responseId: string;
  modelVersion: string;
  candidates: number;
  parts: Part[];
  finish: GeminiFinish;
  inputTokens: number;
  /** Per candidate. */
  outputTokens: number;
  vertex: boolean;
}

const SAFE = ["HARM_CATEGORY_HATE_SPEECH", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_SEXUALLY_EXPLICIT"];

export function geminiAnswer(r: GeminiRequest, filtered: boolean, vertex: boolean): GeminiAnswer {
  const s = r.summary;
  const base = { responseId: randomAlnum(22), modelVersion: s.model, candidates: r.candidates, inputTokens: countInputTokens(s), vertex };
  if (filtered) return { ...base, parts: [], finish: "SAFETY", outputTokens: 0 };
  const reply = planReply(s);
  if (reply.kind === "tool_calls") {
    const parts: Part[] = reply.calls.map((c) => ({ functionCall: { name: c.name, args: JSON.parse(c.arguments) as unknown } }));
    return { ...base, parts, finish: "STOP", outputTokens: mockUsage(s, reply).output };
  }
  const limited = applyTextLimits(reply.text, r.maxTokens, r.stopSequences);
  return { ...base, parts: [{ text: limited.text }], finish: limited.stop === "max_tokens" ? "MAX_TOKENS" : "STOP", outputTokens: countTextTokens(limited.text) };
}

function safetyRatings(blocked: boolean): unknown[] {
  return SAFE.map((category, i) =>
    blocked && i === 1 ? { category, probability: "HIGH", blocked: true } : { category, probability: "NEGLIGIBLE" },
  );
}

function usageMetadata(a: GeminiAnswer, outputPerCandidate: number): Record<string, unknown> {
  const candidatesTokenCount = outputPerCandidate * a.candidates;
  return {
    promptTokenCount: a.inputTokens,
    ...(candidatesTokenCount > 0 ? { candidatesTokenCount } : {}),
    totalTokenCount: a.inputTokens + candidatesTokenCount,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: a.inputTokens }],
  };
}

function response(a: GeminiAnswer, parts: Part[], finish: GeminiFinish | undefined, outputSoFar: number): Record<string, unknown> {
  const candidates = Array.from({ length: a.candidates }, (_, index) => ({
    ...(a.finish === "SAFETY" ? {} : { content: { role: "model", parts } }),
    ...(finish ? { finishReason: finish } : {}),
    ...(finish === "SAFETY" ? { safetyRatings: safetyRatings(true) } : {}),
    index,
  }));
  return {
    candidates,
    usageMetadata: usageMetadata(a, outputSoFar),
    modelVersion: a.modelVersion,
    ...(a.vertex ? { createTime: new Date().toISOString() } : {}),
    responseId: a.responseId,
  };
}

export function responseBody(a: GeminiAnswer): Record<string, unknown> {
  return response(a, a.parts, a.finish, a.outputTokens);
}

/** The stream chunks, as JSON objects; the caller frames them (SSE or a JSON array). */
export function responseChunks(a: GeminiAnswer): Array<Record<string, unknown>> {
  const first = a.parts[0];
  if (first === undefined || !("text" in first)) return [response(a, a.parts, a.finish, a.outputTokens)];
  const pieces = first.text === "" ? [""] : textPieces(first.text);
  let sent = 0;
  return pieces.map((text, i) => {
    sent += text.length;
    const lastChunk = i === pieces.length - 1;
    return response(a, [{ text }], lastChunk ? a.finish : undefined, lastChunk ? a.outputTokens : countTextTokens(first.text.slice(0, sent)));
  });
}
