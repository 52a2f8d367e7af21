/** A location in the file, as zod and the yaml package see it. */
export type FilePath = (string | number)[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `["services", 2, "routes", 0, "paths"]` → `services[2].routes[0].paths`. */
export function formatPath(path: FilePath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (IDENTIFIER.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
