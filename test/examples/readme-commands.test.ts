import { expect, test } from "bun:test";
import { codeBlocks, curlCommands, parseCurl, shellLines, shellWords } from "./readme-commands.ts";

const md = [
  "Intro",
  "```sh",
  "./bin/waygate serve   # a comment",
  "# a whole-line comment",
  "K='authorization: Bearer abc'",
  "curl -si localhost:8080/v1/x \\",
  "  -H \"$K\" -H 'content-type: application/json' \\",
  "  -d '{\"a\": \"#not a comment\"}'",
  "curl -s localhost:8080/v1/models -H \"$K\"",
  "```",
  "```js",
  "console.log(1);",
  "```",
].join("\n");

test("code blocks keep their language and text", () => {
  expect(codeBlocks(md).map((b) => b.lang)).toEqual(["sh", "js"]);
  expect(codeBlocks(md)[1]?.text).toBe("console.log(1);\n");
});

test("shell lines join continuations and drop comments", () => {
  const lines = shellLines(codeBlocks(md)[0]!.text);
  expect(lines).toHaveLength(4);
  expect(lines[2]).toBe(`curl -si localhost:8080/v1/x -H "$K" -H 'content-type: application/json' -d '{"a": "#not a comment"}'`);
});

test("words: quotes, variable expansion, trailing comments", () => {
  expect(shellWords(`a 'b $X' "c $X" d$X # e`, { X: "1" })).toEqual(["a", "b $X", "c 1", "d1"]);
  expect(() => shellWords(`"$MISSING"`, {})).toThrow("MISSING");
  expect(() => shellWords(`'open`, {})).toThrow("unterminated");
});

test("curl commands become requests", () => {
  const [post, get] = curlCommands(md);
  expect(post).toMatchObject({
    method: "POST",
    url: "http://localhost:8080/v1/x",
    headers: { authorization: "Bearer abc", "content-type": "application/json" },
    body: '{"a": "#not a comment"}',
    showHeaders: true,
  });
  expect(get).toMatchObject({ method: "GET", url: "http://localhost:8080/v1/models", body: undefined, showHeaders: false });
});

test("curl options the test does not understand are errors, not silently skipped", () => {
  expect(() => parseCurl("curl -X PUT localhost:8080/x", {})).toThrow("-X");
  expect(() => parseCurl("curl -s", {})).toThrow("no URL");
});
