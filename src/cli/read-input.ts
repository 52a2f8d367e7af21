/** Reads a config file argument; `-` is standard input. */
export async function readInput(path: string): Promise<string> {
  if (path === "-") return Bun.stdin.text();
  const file = Bun.file(path);
  if (!(await file.exists())) throw new Error(`cannot read ${path}: no such file`);
  return file.text();
}
