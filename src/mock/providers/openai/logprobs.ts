/** Deterministic log probabilities: the text cut into 4-character "tokens", each with fixed alternatives. */

export interface LogprobEntry {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

export function textLogprobs(text: string, top: number, offset = 0): LogprobEntry[] {
  const out: LogprobEntry[] = [];
  for (let i = 0; i < text.length; i += 4) {
    const token = text.slice(i, i + 4);
    const logprob = -((((offset + i) / 4) % 7) + 1) / 100;
    const alternatives = Array.from({ length: top }, (_, k) => {
      const alt = k === 0 ? token : `${token}${k}`;
      return { token: alt, logprob: k === 0 ? logprob : logprob - k, bytes: bytesOf(alt) };
    });
    out.push({ token, logprob, bytes: bytesOf(token), top_logprobs: alternatives });
  }
  return out;
}

function bytesOf(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}
