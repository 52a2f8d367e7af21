/**
 * Watches a store, then lets go of it in the given way; the test checks
 * that the process then exits on its own.
 * `bun watch-exit.ts <url> unsubscribe|close|unsubscribe+close`
 */
import { openStore } from "../../../src/store/open.ts";

const [url, mode] = process.argv.slice(2);
if (!url || !mode) throw new Error("usage: watch-exit.ts <url> <mode>");
const store = await openStore(url);
const unsubscribe = store.watch(() => undefined, 20);
await Bun.sleep(100);
if (mode.includes("unsubscribe")) unsubscribe();
if (mode.includes("close")) await store.close();
console.log("released");
