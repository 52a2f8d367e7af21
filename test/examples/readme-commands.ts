/**
 * Reads the commands of a README as a user would copy them: fenced code
 * blocks, `sh` lines joined across `\` continuations, shell variables set by
 * `NAME='value'` lines, and `curl` commands turned into fetch requests. Only
 * the small part of shell and curl syntax the example READMEs use is
 * understood; anything else is an error, so a README cannot drift into
 * commands the test silently misreads.
 */

export interface CodeBlock {
  lang: string;
  text: string;
}

export interface CurlCommand {
  /** The command as written (continuations joined). */
  source: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** `-i`: the user wants to see the response headers. */
  showHeaders: boolean;
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  for (const m of markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) out.push({ lang: m[1] ?? "", text: m[2] ?? "" });
  return out;
}

/** Logical lines of shell text: continuations joined, blank lines and whole-line comments dropped. */
export function shellLines(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

/** Splits a shell line into words: single quotes literal, double quotes and bare words expand `$NAME`, an unquoted `#` starts a comment. */
export function shellWords(line: string, vars: Record<string, string>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const expand = (s: string) =>
    s.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`shell variable ${name} is not set in: ${line}`);
      return v;
    });
  while (i < line.length) {
    const c = line[i]!;
    if (c === " " || c === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "#" && word === undefined) {
      break;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      const inner = line.slice(i + 1, end);
      word = (word ?? "") + (c === '"' ? expand(inner) : inner);
      i = end + 1;
    } else {
      let j = i;
      while (j < line.length && !" \t'\"".includes(line[j]!)) j++;
      word = (word ?? "") + expand(line.slice(i, j));
      i = j;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A `curl` command line → what fetch needs. */
export function parseCurl(source: string, vars: Record<string, string>): CurlCommand {
  const words = shellWords(source, vars);
  if (words[0] !== "curl") throw new Error(`not a curl command: ${source}`);
  const cmd: CurlCommand = { source, method: "GET", url: "", headers: {}, body: undefined, showHeaders: false };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === "-H") {
      const h = words[++i] ?? "";
      const colon = h.indexOf(":");
      if (colon < 0) throw new Error(`bad header ${h} in: ${source}`);
      cmd.headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim();
    } else if (w === "-d") {
      cmd.body = words[++i];
      cmd.method = "POST";
    } else if (/^-[sSNi]+$/.test(w)) {
      if (w.includes("i")) cmd.showHeaders = true;
    } else if (w.startsWith("-")) {
      throw new Error(`curl option ${w} is not understood by the README test: ${source}`);
    } else {
      if (cmd.url) throw new Error(`two URLs in: ${source}`);
      cmd.url = /^https?:\/\//.test(w) ? w : `http://${w}`;
    }
  }
  if (!cmd.url) throw new Error(`no URL in: ${source}`);
  return cmd;
}

/** Every curl command of every `sh` block, with variables assigned earlier in the same block. */
export function curlCommands(markdown: string): CurlCommand[] {
  const out: CurlCommand[] = [];
  for (const block of codeBlocks(markdown)) {
    if (block.lang !== "sh") continue;
    const vars: Record<string, string> = {};
    for (const line of shellLines(block.text)) {
      const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
      if (assign) {
        vars[assign[1]!] = shellWords(assign[2]!, vars).join(" ");
      } else if (line.startsWith("curl ")) {
        out.push(parseCurl(line, vars));
      }
    }
  }
  return out;
}
