/**
 * data_masking and guardrail in waygate.yaml (the documented examples
 * validate; mistakes are reported at their place), and masking of the
 * unified chat shapes.
 */
import { describe, expect, test } from "bun:test";
import type { ChatRequest, ChatResponse } from "../../src/ai/types.ts";
import { validateConfig } from "../../src/config/file/validate.ts";
import { maskChatRequest, maskChatResponse } from "../../src/policies/data-masking/chat.ts";
import { compileMasker } from "../../src/policies/data-masking/masker.ts";
import { maskerConfigSchema } from "../../src/policies/data-masking/masker-schema.ts";

const YAML = `
version: 1
services:
  - name: support-ai
    kind: ai
    routes:
      - name: support
        paths: [/v1]
policies:
  - name: no-pii
    kind: data_masking
    scope: global
    config: {}
  - name: support-bot
    kind: data_masking
    scope: service
    service: support-ai
    config:
      apply_to: [request, response]
      detectors: [email, phone, credit_card, iban, api_key, jwt, secret]
      replacement: "[REDACTED:{type}]"
      rules:
        - name: employee_id
          pattern: "EMP-(\\\\d{2})\\\\d{4}"
          flags: i
          replacement: "EMP-$1****"
        - name: ticket
          pattern: "TICKET-\\\\d+"
  - name: no-project-names
    kind: guardrail
    scope: service
    service: support-ai
    config:
      keywords: ["project nightingale", "blue book", "пароль"]
      patterns:
        - "\\\\b\\\\d{3}-\\\\d{2}-\\\\d{4}\\\\b"
        - { pattern: "drop\\\\s+table", flags: i }
      apply_to: [request, response]
`;

describe("in waygate.yaml", () => {
  test("the documented examples validate, with defaults filled in", () => {
    const r = validateConfig(YAML, {});
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const [all, bot, guard] = r.config.policies;
    expect(all?.config).toEqual({ detectors: ["email", "phone", "credit_card", "iban", "api_key", "jwt", "secret"], rules: [], replacement: "[REDACTED:{type}]", apply_to: ["request", "response"] });
    expect((bot?.config.rules as Array<{ pattern: string }>)[0]?.pattern).toBe("EMP-(\\d{2})\\d{4}");
    expect((guard?.config.patterns as Array<{ pattern: string; flags: string; max_length: number }>)[1]).toEqual({ pattern: "drop\\s+table", flags: "i", max_length: 64 });
    expect(guard?.config.whole_words).toBe(true);
  });

  test("mistakes are reported at their place", () => {
    const broken = YAML.replace('pattern: "TICKET-\\\\d+"', 'pattern: "TICKET-(\\\\d+"').replace("detectors: [email,", "detectors: [ssn, email,").replace("flags: i }", "flags: g }");
    const r = validateConfig(broken, {});
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.errors.map((e) => e.path);
    expect(paths).toContain("policies[1].config.detectors[0]");
    expect(paths).toContain("policies[1].config.rules[1].pattern");
    expect(paths.some((p) => p.startsWith("policies[2].config.patterns[1]"))).toBe(true);
  });
});

describe("masking the unified chat shapes", () => {
  const masker = compileMasker(maskerConfigSchema.parse({}));

  test("a request without hits is returned as it was; with hits, only what changed is copied", () => {
    const clean: ChatRequest = { model: "m", stream: false, messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }] };
    expect(maskChatRequest(masker, clean)).toBe(clean);
    const req: ChatRequest = {
      model: "m",
      stream: true,
      temperature: 0.2,
      messages: [
        { role: "system", content: [{ type: "text", text: "be kind" }] },
        { role: "user", content: [{ type: "text", text: "mail ann@example.com" }, { type: "image", source: { kind: "url", url: "https://x/y.png" } }] },
        { role: "assistant", content: [], toolCalls: [{ id: "1", name: "send", arguments: '{"to":"ann@example.com","n":1}' }], refusal: "not to ann@example.com" },
        { role: "tool", toolCallId: "1", content: [{ type: "text", text: "sent to ann@example.com" }] },
      ],
    };
    const out = maskChatRequest(masker, req);
    expect(out.messages[0]).toBe(req.messages[0]!);
    expect(out.temperature).toBe(0.2);
    expect(out.messages[1]?.content).toEqual([{ type: "text", text: "mail [REDACTED:email]" }, req.messages[1]!.content[1]!]);
    const assistant = out.messages[2];
    expect(assistant?.role === "assistant" && assistant.toolCalls?.[0]?.arguments).toBe('{"to":"[REDACTED:email]","n":1}');
    expect(assistant?.role === "assistant" && assistant.refusal).toBe("not to [REDACTED:email]");
    expect(out.messages[3]?.content).toEqual([{ type: "text", text: "sent to [REDACTED:email]" }]);
    // The client's request object is not modified.
    expect((req.messages[1]!.content[0] as { text: string }).text).toBe("mail ann@example.com");
  });

  test("answers: text, refusals and tool-call arguments masked; log-probabilities dropped only where text changed", () => {
    const res: ChatResponse = {
      id: "r",
      model: "m",
      created: 1,
      choices: [
        { index: 0, message: { content: "call +1 415 555 2671" }, finishReason: "stop", logprobs: [{ token: "call", logprob: -1 }] },
        { index: 1, message: { content: "nothing here" }, finishReason: "stop", logprobs: [{ token: "nothing", logprob: -1 }] },
        { index: 2, message: { content: null, toolCalls: [{ id: "t", name: "f", arguments: '{"card":"4111 1111 1111 1111"}' }], refusal: "no" }, finishReason: "tool_calls" },
      ],
    };
    const out = maskChatResponse(masker, res);
    expect(out.choices[0]?.message.content).toBe("call [REDACTED:phone]");
    expect(out.choices[0]?.logprobs).toBeUndefined();
    expect(out.choices[1]).toBe(res.choices[1]!);
    expect(out.choices[2]?.message.toolCalls?.[0]?.arguments).toBe('{"card":"[REDACTED:credit_card]"}');
    const clean: ChatResponse = { ...res, choices: [res.choices[1]!] };
    expect(maskChatResponse(masker, clean)).toBe(clean);
  });
});
