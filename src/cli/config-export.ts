import { exportConfig } from "../config/file/export.ts";
import { openStore } from "../store/open.ts";
import { type Command, EXIT_FAILURE, EXIT_OK, err, out, parseCommandArgs, runCommand } from "./command.ts";
import { reportFailure } from "./errors.ts";
import { DB_OPTION_HELP, dbUrl, redactUrl } from "./store-url.ts";

const help = `Usage: waygate config export [--db URL] [--out FILE]

Writes the store's configuration as a waygate.yaml text. References are by
name, defaults are left out, credentials appear as key_hash, and provider
key secrets as placeholders: secret: "\${WAYGATE_SECRET_<PROVIDER>_<KEY>}"
(names upper-cased, other characters as _). Secrets never appear in the
output. With those variables set, the output applies back to the same
configuration.

Options:
${DB_OPTION_HELP}
  --out FILE      Write to FILE instead of standard output
  -h, --help      Show this help
`;

export const configExport: Command = {
  name: "config export",
  summary: "Write the store's configuration as YAML",
  help,
  run: (argv) =>
    runCommand(configExport, argv, async () => {
      const { values } = parseCommandArgs(argv, { db: { type: "string" }, out: { type: "string" } }, { min: 0, max: 0 });
      if (values.help) return out(help), EXIT_OK;
      const url = dbUrl(values.db);
      let text: string;
      try {
        const store = await openStore(url);
        try {
          text = await exportConfig(store);
        } finally {
          await store.close();
        }
      } catch (e) {
        reportFailure(`waygate config export (${redactUrl(url)})`, e);
        return EXIT_FAILURE;
      }
      if (values.out === undefined) {
        process.stdout.write(text);
        return EXIT_OK;
      }
      try {
        await Bun.write(values.out, text);
      } catch (e) {
        err(`waygate config export: cannot write ${values.out}: ${e instanceof Error ? e.message : String(e)}`);
        return EXIT_FAILURE;
      }
      err(`wrote ${values.out}`);
      return EXIT_OK;
    }),
};
