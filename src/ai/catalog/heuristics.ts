/**
 * Capabilities of a priced model models.dev does not describe, guessed from
 * its id. Only used as a fallback; the patterns follow the vendors' naming.
 */
import type { ModelCapabilities } from "./types.ts";

const NOT_CHAT = /embed|tts|transcribe|whisper|audio|realtime|image-|dall-e|moderation|ocr|rerank|sonic|voice|^(ada|babbage|curie|davinci)/;
const VISION = /gpt-4o|gpt-4\.1|gpt-4-turbo|gpt-5|^o[134]|claude-(3|sonnet|opus|haiku)|gemini|gemma-3|pixtral|vision|-vl|nova-(lite|pro|premier)|llama-?4|grok-(2-vision|4)|command-a-vision|mistral-(medium|small)-3/;
const REASONING = /^o[1345]|reason|-r1|thinking|magistral|gpt-5|claude-(3-7|sonnet-4|opus-4|haiku-4|sonnet-5|opus-5)|gemini-(2\.5|3)|grok-(3-mini|4)|qwq|deepseek-v3\.[12]/;

export function guessCapabilities(id: string): ModelCapabilities {
  const lower = id.toLowerCase();
  const chat = !NOT_CHAT.test(lower);
  return {
    tools: chat,
    vision: chat && VISION.test(lower),
    reasoning: chat && REASONING.test(lower),
    json: chat,
  };
}
