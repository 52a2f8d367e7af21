import { validateConfig } from "../config/file/validate.ts";
import { type Command, EXIT_FAILURE, EXIT_OK, err, out, parseCommandArgs, runCommand } from "./command.ts";
import { readInput } from "./read-input.ts";

const help = `Usage: waygate config validate <file>

Checks a waygate.yaml file: YAML syntax, every field, references by name,
duplicate names. \${VAR} references are resolved from the environment.
Prints each problem as \`path (line N): message\` and exits 1 when there are any.

Arguments:
  <file>          The file to check; - reads standard input

Options:
  -h, --help      Show this help
`;

export const configValidate: Command = {
  name: "config validate",
  summary: "Check a waygate.yaml file",
  help,
  run: (argv) =>
    runCommand(configValidate, argv, async () => {
      const { values, positionals } = parseCommandArgs(argv, {}, { min: 1, max: 1, names: ["file"] });
      if (values.help) return out(help), EXIT_OK;
      const file = positionals[0] ?? "-";
      let text: string;
      try {
        text = await readInput(file);
      } catch (e) {
        err(`waygate config validate: ${e instanceof Error ? e.message : String(e)}`);
        return EXIT_FAILURE;
      }
      const result = validateConfig(text);
      if (!result.ok) {
        err(`${file}: ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}`);
        for (const e of result.errors) err(`${e.path || "(document)"} (line ${e.line}): ${e.message}`);
        return EXIT_FAILURE;
      }
      const c = result.config;
      const routes = c.services.reduce((n, s) => n + s.routes.length, 0);
      out(
        `${file}: ok (${c.teams.length} teams, ${c.upstreams.length} upstreams, ${c.services.length} services, ${routes} routes, ${c.applications.length} applications)`,
      );
      return EXIT_OK;
    }),
};
