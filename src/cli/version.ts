import { VERSION } from "../control/version.ts";
import { type Command, EXIT_OK, out, parseCommandArgs, runCommand } from "./command.ts";

const help = `Usage: waygate version

Prints the Waygate version and the Bun runtime version.

Options:
  -h, --help      Show this help
`;

export const version: Command = {
  name: "version",
  summary: "Print the version",
  help,
  run: (argv) =>
    runCommand(version, argv, async () => {
      const { values } = parseCommandArgs(argv, {}, { min: 0, max: 0 });
      out(values.help ? help : `waygate ${VERSION} (bun ${Bun.version})`);
      return EXIT_OK;
    }),
};
