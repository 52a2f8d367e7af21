/** GET /admin/budget-alerts in the admin OpenAPI document (./budget-alerts.ts serves it). */
import { ALERT_LEVELS } from "../policies/budget/alert.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../store/cursor.ts";

type JsonObject = Record<string, unknown>;

const str = { type: "string" };
const nullableStr = { type: ["string", "null"] };
const usd = { type: "number" };

const BudgetAlert: JsonObject = {
  type: "object",
  properties: {
    id: str,
    policy_id: str,
    policy_name: str,
    subject: { type: "string", description: "Whose spending: team:<id>, app:<id> or ip:<address>" },
    team_id: nullableStr,
    application_id: nullableStr,
    period: { type: "string", description: "UTC day (2026-11-22) or month (2026-11)" },
    level: { enum: [...ALERT_LEVELS] },
    spent_usd: usd,
    limit_usd: usd,
    threshold_usd: usd,
    model: { type: ["string", "null"], description: "provider/model of an unpriced call (level unpriced)" },
    created_at: { type: "string", format: "date-time" },
  },
  required: ["id", "policy_id", "policy_name", "subject", "team_id", "application_id", "period", "level", "spent_usd", "limit_usd", "threshold_usd", "model", "created_at"],
};

const response = (name: string): JsonObject => ({ $ref: `#/components/responses/${name}` });

export function budgetAlertPaths(): JsonObject {
  return {
    "/admin/budget-alerts": {
      get: {
        operationId: "listBudgetAlerts",
        tags: ["budget-alerts"],
        summary: "Alerts of budget policies (soft threshold, hard limit, unpriced model), newest first, of the teams the caller may see",
        parameters: [
          { name: "since", in: "query", required: false, description: "Only alerts created at or after this instant", schema: { type: "string", format: "date-time" } },
          { name: "policy", in: "query", required: false, description: "A policy's id or name", schema: str },
          { name: "subject", in: "query", required: false, description: "team:<id>, app:<id> or ip:<address>", schema: str },
          { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT } },
          { name: "cursor", in: "query", required: false, description: "The `next` value of the previous page", schema: str },
        ],
        responses: {
          "200": {
            description: "OK",
            content: {
              "application/json": {
                schema: { type: "object", properties: { data: { type: "array", items: BudgetAlert }, next: nullableStr }, required: ["data", "next"] },
              },
            },
          },
          "400": response("BadRequest"),
          "401": response("Unauthorized"),
          "403": response("Forbidden"),
          "500": response("InternalError"),
        },
      },
    },
  };
}
