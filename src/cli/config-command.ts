import { type Command, EXIT_OK, EXIT_USAGE, err, out } from "./command.ts";
import { configApply } from "./config-apply.ts";
import { configExport } from "./config-export.ts";
import { configValidate } from "./config-validate.ts";

export const CONFIG_SUBCOMMANDS: Command[] = [configValidate, configApply, configExport];

const help = `Usage: waygate config <command> [options]

Work with the declarative configuration file (waygate.yaml).

Commands:
${CONFIG_SUBCOMMANDS.map((c) => `  ${c.name.slice("config ".length).padEnd(10)} ${c.summary}`).join("\n")}

Run 'waygate config <command> --help' for a command's options.
`;

export const configCommand: Command = {
  name: "config",
  summary: "Validate, apply and export waygate.yaml files",
  help,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "-h" || sub === "--help") return out(help), EXIT_OK;
    const cmd = CONFIG_SUBCOMMANDS.find((c) => c.name === `config ${sub}`);
    if (!cmd) {
      err(sub === undefined ? "waygate config: missing command" : `waygate config: unknown command '${sub}'`);
      err(help);
      return EXIT_USAGE;
    }
    return cmd.run(rest);
  },
};
