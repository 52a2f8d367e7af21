/** Azure OpenAI's content-filter annotations and its content_filter error. */
import { jsonResponse } from "../../common/http.ts";

const safe = { filtered: false, severity: "safe" };

export const SAFE_FILTER_RESULTS = { hate: safe, self_harm: safe, sexual: safe, violence: safe };

export function promptFilterResults(): Array<Record<string, unknown>> {
  return [{ prompt_index: 0, content_filter_results: SAFE_FILTER_RESULTS }];
}

export function contentFilterError(): Response {
  const flagged = { ...SAFE_FILTER_RESULTS, violence: { filtered: true, severity: "high" } };
  return jsonResponse(
    {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        type: null,
        param: "prompt",
        code: "content_filter",
        status: 400,
        innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: flagged },
      },
    },
    400,
  );
}
