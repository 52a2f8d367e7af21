import type { ApplySummary } from "../config/file/apply.ts";
import { applyConfig, configHasSecrets } from "../config/file/apply.ts";
import { validateConfig } from "../config/file/validate.ts";
import { openStore } from "../store/open.ts";
import { type Command, EXIT_FAILURE, EXIT_OK, err, out, parseCommandArgs, runCommand } from "./command.ts";
import { reportFailure } from "./errors.ts";
import { DATA_DIR_OPTION_HELP, dataDir, openSecretBox } from "./master-key.ts";
import { readInput } from "./read-input.ts";
import { DB_OPTION_HELP, dbUrl, redactUrl } from "./store-url.ts";

const help = `Usage: waygate config apply <file> [--db URL] [--data-dir DIR] [--dry-run]

Makes the store match the file, in one transaction: creates what is missing,
updates what changed, deletes what the file does not list. Applying the same
file twice changes nothing (and does not bump the configuration revision).
Provider key secrets (\`secret: "\${ENV_VAR}"\`) are encrypted with the
master key before they are stored.

Arguments:
  <file>          The waygate.yaml file; - reads standard input

Options:
${DB_OPTION_HELP}
${DATA_DIR_OPTION_HELP}
  --dry-run       Show what would change without writing
  -h, --help      Show this help
`;

function describe(summary: ApplySummary, dryRun: boolean): string {
  const lines: string[] = [];
  for (const op of summary.operations) lines.push(`  ${op.action} ${op.kind} ${op.label}`);
  const totals = Object.entries(summary.kinds)
    .filter(([, k]) => k.created + k.updated + k.deleted > 0)
    .map(([kind, k]) => `${kind}: ${k.created} created, ${k.updated} updated, ${k.deleted} deleted`);
  if (summary.operations.length === 0) return `no changes (revision ${summary.revision})`;
  const head = dryRun ? "would apply:" : `applied (revision ${summary.revision}):`;
  return [head, ...lines, ...totals.map((t) => `  ${t}`)].join("\n");
}

export const configApply: Command = {
  name: "config apply",
  summary: "Make the store match a waygate.yaml file",
  help,
  run: (argv) =>
    runCommand(configApply, argv, async () => {
      const { values, positionals } = parseCommandArgs(argv, { db: { type: "string" }, "data-dir": { type: "string" }, "dry-run": { type: "boolean" } }, { min: 1, max: 1, names: ["file"] });
      if (values.help) return out(help), EXIT_OK;
      const file = positionals[0] ?? "-";
      let text: string;
      try {
        text = await readInput(file);
      } catch (e) {
        reportFailure("waygate config apply", e);
        return EXIT_FAILURE;
      }
      const result = validateConfig(text);
      if (!result.ok) {
        err(`${file}: ${result.errors.length} error${result.errors.length === 1 ? "" : "s"}; nothing was applied`);
        for (const e of result.errors) err(`${e.path || "(document)"} (line ${e.line}): ${e.message}`);
        return EXIT_FAILURE;
      }
      const url = dbUrl(values.db);
      try {
        // Only a file with secrets needs (and may create) the master key.
        const secrets = configHasSecrets(result.config) ? openSecretBox(dataDir(values["data-dir"])) : undefined;
        const store = await openStore(url);
        try {
          const dryRun = values["dry-run"] === true;
          out(describe(await applyConfig(store, result.config, { dryRun, ...(secrets ? { secrets } : {}) }), dryRun));
        } finally {
          await store.close();
        }
      } catch (e) {
        reportFailure(`waygate config apply (${redactUrl(url)})`, e);
        return EXIT_FAILURE;
      }
      return EXIT_OK;
    }),
};
