/**
 * `waygate users create`: adds an admin API user straight to the database,
 * e.g. the first named admin of a new deployment. The password comes from
 * a file or standard input, never from the command line (where process
 * lists and shell history would keep it), and is never printed.
 */
import { isWaygateError } from "../core/errors.ts";
import { USERNAME, USERNAME_RULE, readRole } from "../identity/api/users.ts";
import { recordAudit } from "../identity/audit.ts";
import { checkNewPassword, hashPassword } from "../identity/passwords.ts";
import { insertUser, publicUser } from "../identity/records/users.ts";
import { openStore } from "../store/open.ts";
import { type Command, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, err, out, parseCommandArgs, runCommand } from "./command.ts";
import { reportFailure } from "./errors.ts";
import { DB_OPTION_HELP, dbUrl, redactUrl } from "./store-url.ts";

const createHelp = `Usage: waygate users create --username NAME [--role ROLE] [--password-file FILE] [--db URL]

Creates a user of the admin API. The password is read from FILE, or from
standard input when no file is given (one line; a trailing newline is
dropped); it must be 12 to 1024 characters. It is stored only as an
argon2id hash. The user logs in with POST /admin/login.

Options:
  --username NAME       Letters, digits, '.', '_', '@', '-' (up to 128)
  --role ROLE           super_admin | admin | member (default: member)
  --password-file FILE  Read the password from FILE instead of standard input
${DB_OPTION_HELP}
  -h, --help            Show this help
`;

const groupHelp = `Usage: waygate users <command>

Commands:
  create    Create an admin API user

Run 'waygate users create --help' for its options.
`;

async function readPassword(file: string | undefined): Promise<string> {
  const raw = file === undefined ? await Bun.stdin.text() : await readFile(file);
  return raw.replace(/\r?\n$/, "");
}

async function readFile(path: string): Promise<string> {
  const f = Bun.file(path);
  if (!(await f.exists())) throw new UsageError(`cannot read ${path}: no such file`);
  return f.text();
}

export const usersCreate: Command = {
  name: "users create",
  summary: "Create an admin API user",
  help: createHelp,
  run: (argv) =>
    runCommand(usersCreate, argv, async () => {
      const { values } = parseCommandArgs(
        argv,
        { username: { type: "string" }, role: { type: "string" }, "password-file": { type: "string" }, db: { type: "string" } },
        { min: 0, max: 0 },
      );
      if (values.help) return out(createHelp), EXIT_OK;
      const username = values.username;
      if (username === undefined) throw new UsageError("--username is required");
      if (!USERNAME.test(username)) throw new UsageError(`--username ${USERNAME_RULE}`);
      let role;
      let password;
      try {
        role = readRole(values.role ?? "member");
        password = checkNewPassword(await readPassword(values["password-file"]));
      } catch (e) {
        if (isWaygateError(e)) throw new UsageError(`${e.details?.[0]?.path ?? "input"} ${e.details?.[0]?.message ?? e.message}`);
        throw e;
      }
      const url = dbUrl(values.db);
      try {
        const passwordHash = await hashPassword(password);
        const store = await openStore(url);
        try {
          const user = await store.db.write(async (q) => {
            const created = publicUser(await insertUser(q, { username, role, passwordHash }));
            await recordAudit(q, {
              actor: { userId: null, username: null, method: null, ip: null },
              method: "CLI",
              path: "waygate users create",
              action: "create",
              kind: "users",
              entityId: created.id,
              after: created,
              teams: [],
            });
            return created;
          });
          out(`created user ${user.username} (id ${user.id}, role ${user.role})`);
        } finally {
          await store.close();
        }
      } catch (e) {
        reportFailure(`waygate users create (${redactUrl(url)})`, e);
        return EXIT_FAILURE;
      }
      return EXIT_OK;
    }),
};

export const usersCommand: Command = {
  name: "users",
  summary: "Manage admin API users (create)",
  help: groupHelp,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === "-h" || sub === "--help") return out(groupHelp), EXIT_OK;
    if (sub === "create") return usersCreate.run(rest);
    err(sub === undefined ? "waygate users: missing command" : `waygate users: unknown command '${sub}'`);
    err(groupHelp);
    return EXIT_USAGE;
  },
};
