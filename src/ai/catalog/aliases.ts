/**
 * The spellings a model id may arrive in, most specific first: as given,
 * then without Gemini's `models/` or Fireworks' account prefix, Vertex's
 * `@version`, Bedrock's region / vendor prefixes and version tags, dated or
 * `-latest` suffixes, Azure's `gpt-35` spelling, and finally the part after
 * the last slash (`meta-llama/Llama-3.3-70B` → `llama-3.3-70b`).
 */

type Transform = (id: string) => string;

const BEDROCK_REGION = /^(us|eu|apac|ap|jp|au|ca|us-gov|global|regional)\.(?=[a-z0-9-]+\.)/;
const BEDROCK_VENDOR = /^(anthropic|mistral|cohere|meta|amazon|ai21|deepseek|openai|qwen|google|writer|nvidia|twelvelabs|moonshot|minimax)\./;

const TRANSFORMS: readonly Transform[] = [
  (id) => id.replace(/^models\//, "").replace(/^accounts\/[^/]+\/models\//, ""),
  (id) => id.replace("@", "-"),
  (id) => id.replace(/@.*$/, ""),
  (id) => id.replace(BEDROCK_REGION, ""),
  (id) => (BEDROCK_VENDOR.test(id) ? id.replace(/(-v\d+)?(:\d+)*$/, "") : id),
  (id) => id.replace(BEDROCK_VENDOR, ""),
  (id) => id.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/, ""),
  (id) => id.replace(/-preview(-\d{2}-\d{2}(-\d{4})?)?$/, "").replace(/-exp(-\d{4})?$/, ""),
  (id) => id.replace(/-\d{3,4}$/, ""),
  (id) => id.replace(/^gpt-35/, "gpt-3.5"),
  (id) => id.slice(id.lastIndexOf("/") + 1),
];

export function candidates(model: string): string[] {
  const out = [model.trim().toLowerCase()];
  for (const transform of TRANSFORMS) {
    for (const c of [...out]) {
      const next = transform(c);
      if (next.length > 0 && !out.includes(next)) out.push(next);
    }
  }
  return out;
}
