/**
 * What every CLI command provides, and the shared rules: usage errors exit 2
 * with a message on stderr, failures exit 1, success exits 0.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface Command {
  /** As typed after `waygate`, e.g. "config apply". */
  name: string;
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Strict parseArgs with -h/--help; unknown flags and stray arguments become UsageErrors. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, positionals: { min: number; max: number; names?: string[] }) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const values = parsed.values as { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string } & { help?: boolean };
  if (!values.help) {
    if (parsed.positionals.length < positionals.min) throw new UsageError(`missing argument <${positionals.names?.[parsed.positionals.length] ?? "argument"}>`);
    if (parsed.positionals.length > positionals.max) throw new UsageError(`unexpected argument '${parsed.positionals[positionals.max]}'`);
  }
  return { values, positionals: parsed.positionals };
}

export function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Runs a command body, turning UsageErrors into exit 2 with the command's help hint. */
export async function runCommand(cmd: Pick<Command, "name" | "help">, argv: string[], body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError) {
      err(`waygate ${cmd.name}: ${e.message}`);
      err(`Run 'waygate ${cmd.name} --help' for usage.`);
      return EXIT_USAGE;
    }
    throw e;
  }
}
