import { z } from "zod";

// Headers that frame the message or belong to one connection: editing them would corrupt the exchange, not transform it.
const FRAMING = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length", "host"]);

// RFC 9110 token characters; checked once at configuration time, never per request.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const headerName = z
  .string()
  .refine((s) => TOKEN.test(s), { message: "not a valid header name" })
  .refine((s) => !FRAMING.has(s.toLowerCase()), { message: "connection and framing headers cannot be edited" });

const headerValue = z.string().refine((s) => !/[\r\n\0]/.test(s), { message: "header values cannot contain CR, LF or NUL" });

const headerMap = z.record(headerName, headerValue);

const edits = z
  .object({
    /** Appended, keeping any existing values. */
    add: headerMap.optional(),
    /** Replaces every existing value. */
    set: headerMap.optional(),
    remove: z.array(headerName).optional(),
    /** Old name → new name; the value moves, replacing any value under the new name. */
    rename: z.record(headerName, headerName).optional(),
  })
  .strict();

export const headersSchema = z
  .object({
    request: edits.optional(),
    response: edits.optional(),
  })
  .strict();

export type HeadersConfig = z.output<typeof headersSchema>;
export type HeaderEdits = z.output<typeof edits>;
