/**
 * SSE framing for what the gateway and the provider simulator send. Data
 * with line breaks becomes several `data:` lines, which a spec-following
 * parser joins back with "\n" (a CR or CRLF in the data comes back as LF).
 */

const LINE_BREAK = /\r\n|\r|\n/;

/** One event: optional `event:` line, one `data:` line per line of data, blank line. */
export function sseEvent(data: string, event?: string): string {
  let out = "";
  if (event !== undefined) {
    if (LINE_BREAK.test(event)) throw new TypeError("an SSE event name cannot contain a line break");
    out += `event: ${event}\n`;
  }
  for (const line of data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line, which parsers ignore: used as a keep-alive. */
export function sseComment(text = ""): string {
  return `: ${text.replace(/\r\n|\r|\n/g, " ")}\n\n`;
}
