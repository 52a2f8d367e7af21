import { rotateSecrets } from "../control/rotate-secrets.ts";
import { SecretBox, loadMasterKey } from "../core/secrets.ts";
import { openStore } from "../store/open.ts";
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, err, out, parseCommandArgs, runCommand } from "./command.ts";
import { reportFailure } from "./errors.ts";
import { DATA_DIR_OPTION_HELP, dataDir, masterKeyFile, openSecretBox } from "./master-key.ts";
import { DB_OPTION_HELP, dbUrl, redactUrl } from "./store-url.ts";

const help = `Usage: waygate secrets rotate --new-key-file FILE [--db URL] [--data-dir DIR]

Re-encrypts every stored secret (provider keys and session tokens) under a
new master key, in one transaction: either every secret moves to the new
key or none does. The current key is the data directory's master.key, or
WAYGATE_MASTER_KEY. The new key is read from FILE (base64 of 32 bytes); when
FILE does not exist, a new key is generated into it with mode 0600.

Afterwards, install FILE as the data directory's master.key (or set
WAYGATE_MASTER_KEY to its contents) on every node, then restart them.
Running the command again with the same new key changes nothing.

Options:
  --new-key-file FILE  The new master key
${DB_OPTION_HELP}
${DATA_DIR_OPTION_HELP}
  -h, --help      Show this help
`;

export const secretsRotate: Command = {
  name: "secrets rotate",
  summary: "Re-encrypt stored secrets under a new master key",
  help,
  run: (argv) =>
    runCommand(secretsRotate, argv, async () => {
      const { values } = parseCommandArgs(
        argv,
        { db: { type: "string" }, "data-dir": { type: "string" }, "new-key-file": { type: "string" } },
        { min: 0, max: 0 },
      );
      if (values.help) return out(help), EXIT_OK;
      const newKeyFile = values["new-key-file"];
      if (newKeyFile === undefined) {
        err("waygate secrets rotate: --new-key-file is required");
        err("Run 'waygate secrets rotate --help' for usage.");
        return EXIT_USAGE;
      }
      const dir = dataDir(values["data-dir"]);
      const url = dbUrl(values.db);
      try {
        const current = openSecretBox(dir);
        // The environment names the current key, never the new one.
        const next = new SecretBox(loadMasterKey(newKeyFile, {}));
        if (next.keyId === current.keyId) {
          err(`waygate secrets rotate: ${newKeyFile} holds the current master key; nothing to do`);
          return EXIT_FAILURE;
        }
        const store = await openStore(url);
        try {
          const summary = await rotateSecrets(store, current, next);
          out(`re-encrypted ${summary.values} secret${summary.values === 1 ? "" : "s"} of ${summary.providers} provider${summary.providers === 1 ? "" : "s"} and ${summary.credentials} credential${summary.credentials === 1 ? "" : "s"} under key ${next.keyId}`);
          out(`now install ${newKeyFile} as ${masterKeyFile(dir)} (or set WAYGATE_MASTER_KEY) and restart every node`);
        } finally {
          await store.close();
        }
      } catch (e) {
        reportFailure(`waygate secrets rotate (${redactUrl(url)})`, e);
        return EXIT_FAILURE;
      }
      return EXIT_OK;
    }),
};

const groupHelp = `Usage: waygate secrets <command> [options]

Manage the secrets stored encrypted in the database.

Commands:
  rotate     ${secretsRotate.summary}

Run 'waygate secrets <command> --help' for a command's options.
`;

export const secretsCommand: Command = {
  name: "secrets",
  summary: "Manage stored secrets (rotate the master key)",
  help: groupHelp,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "-h" || sub === "--help") return out(groupHelp), EXIT_OK;
    if (sub === "rotate") return secretsRotate.run(rest);
    err(sub === undefined ? "waygate secrets: missing command" : `waygate secrets: unknown command '${sub}'`);
    err(groupHelp);
    return EXIT_USAGE;
  },
};
