/**
 * The `waygate` command: dispatches to one module per command. `serve` is
 * loaded lazily so the other commands start without the gateway's code.
 */
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, err, out } from "./command.ts";
import { configCommand } from "./config-command.ts";
import { migrate } from "./migrate.ts";
import { mockProviders } from "./mock-providers.ts";
import { secretsCommand } from "./secrets-rotate.ts";
import { usersCommand } from "./users.ts";
import { version } from "./version.ts";

const COMMANDS: Command[] = [configCommand, secretsCommand, usersCommand, migrate, mockProviders, version];

const SERVE_SUMMARY = "Run the gateway and the admin API";

const rootHelp = `Usage: waygate <command> [options]

Waygate: an API and AI gateway.

Commands:
  ${"serve".padEnd(16)} ${SERVE_SUMMARY}
  ${"config validate".padEnd(16)} Check a waygate.yaml file
  ${"config apply".padEnd(16)} Make the store match a waygate.yaml file
  ${"config export".padEnd(16)} Write the store's configuration as YAML
  ${"secrets rotate".padEnd(16)} Re-encrypt stored secrets under a new master key
${COMMANDS.filter((c) => c !== configCommand && c !== secretsCommand)
  .map((c) => `  ${c.name.padEnd(16)} ${c.summary}`)
  .join("\n")}
  ${"help <command>".padEnd(16)} Show a command's help

Options:
  -h, --help        Show this help
  -v, --version     Print the version

Environment:
  WAYGATE_DB        Default store URL (sqlite:./data/waygate.db when unset)

Run 'waygate <command> --help' for a command's options.
`;

async function serve(argv: string[]): Promise<number> {
  return import("./serve.ts").then((m) => m.serveCommand(argv));
}

async function help(topic: string[]): Promise<number> {
  const [name, sub] = topic;
  if (name === undefined) return out(rootHelp), EXIT_OK;
  if (name === "serve") return import("./serve.ts").then((m) => (out(m.serveHelp), EXIT_OK));
  if (name === "config" && sub !== undefined) return configCommand.run([sub, "--help"]);
  if (name === "secrets" && sub !== undefined) return secretsCommand.run([sub, "--help"]);
  if (name === "users" && sub !== undefined) return usersCommand.run([sub, "--help"]);
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) return unknown(name);
  return out(cmd.help), EXIT_OK;
}

function unknown(name: string): number {
  err(name.startsWith("-") ? `waygate: unknown option '${name}'` : `waygate: unknown command '${name}'`);
  err("Run 'waygate --help' for usage.");
  return EXIT_USAGE;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    err(rootHelp);
    return EXIT_USAGE;
  }
  if (name === "-h" || name === "--help") return help([]);
  if (name === "-v" || name === "--version") return version.run([]);
  if (name === "help") return help(rest);
  if (name === "serve") return serve(rest);
  const cmd = COMMANDS.find((c) => c.name === name);
  return cmd ? cmd.run(rest) : unknown(name);
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      err(`waygate: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(EXIT_FAILURE);
    },
  );
}
