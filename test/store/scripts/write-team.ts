/**
 * Another process writing to a store:
 * `bun write-team.ts <url> <team name> [count]` creates the team, or with a
 * count that many teams named <name>-0, <name>-1, … one write each.
 */
import { openStore } from "../../../src/store/open.ts";
import { teamData } from "../fixtures.ts";

const [url, name, count] = process.argv.slice(2);
if (!url || !name) throw new Error("usage: write-team.ts <url> <name> [count]");
const store = await openStore(url);
if (count === undefined) await store.create("teams", teamData(name));
else for (let i = 0; i < Number(count); i++) await store.create("teams", teamData(`${name}-${i}`));
await store.close();
