import { openStore } from "../store/open.ts";
import { type Command, EXIT_FAILURE, EXIT_OK, out, parseCommandArgs, runCommand } from "./command.ts";
import { reportFailure } from "./errors.ts";
import { DB_OPTION_HELP, dbUrl, redactUrl } from "./store-url.ts";

const help = `Usage: waygate migrate [--db URL]

Brings the database schema up to date, without starting the gateway.
(\`waygate serve\` migrates on start too.) Safe to run any number of times.

Options:
${DB_OPTION_HELP}
  -h, --help      Show this help
`;

export const migrate: Command = {
  name: "migrate",
  summary: "Bring the database schema up to date",
  help,
  run: (argv) =>
    runCommand(migrate, argv, async () => {
      const { values } = parseCommandArgs(argv, { db: { type: "string" } }, { min: 0, max: 0 });
      if (values.help) return out(help), EXIT_OK;
      const url = dbUrl(values.db);
      try {
        // openStore applies every pending migration before it returns.
        const store = await openStore(url);
        try {
          out(`${redactUrl(url)}: schema up to date (${store.dialect}, configuration revision ${await store.revision()})`);
        } finally {
          await store.close();
        }
      } catch (e) {
        reportFailure(`waygate migrate (${redactUrl(url)})`, e);
        return EXIT_FAILURE;
      }
      return EXIT_OK;
    }),
};
