/** What the results were measured on and with, for the report's header. */
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";

export interface Machine {
  date: string;
  nproc: number;
  cpuModel: string;
  memGiB: number;
  kernel: string;
  versions: { waygate: string; commit: string; bun: string; nginx: string; wrk: string };
}

function run(cmd: string[], cwd: string): string {
  try {
    const r = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
    return `${r.stdout.toString()}${r.stderr.toString()}`.trim();
  } catch {
    return "";
  }
}

export function cpuModel(cpuinfo: string): string {
  const m = /^model name\s*:\s*(.+)$/m.exec(cpuinfo);
  return m?.[1]?.trim() ?? "unknown";
}

export function collectMachine(root: string): Machine {
  let cpuinfo = "";
  try {
    cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    // Not Linux: the model stays unknown.
  }
  const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version?: unknown };
  const nginx = /nginx\/(\S+)/.exec(run(["nginx", "-v"], root))?.[1] ?? "unknown";
  const wrk = /^wrk\s+(\S+)/m.exec(run(["wrk", "-v"], root))?.[1] ?? "unknown";
  return {
    date: new Date().toISOString().slice(0, 10),
    nproc: cpus().length,
    cpuModel: cpuModel(cpuinfo),
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    versions: {
      waygate: typeof pkg.version === "string" ? pkg.version : "unknown",
      commit: run(["git", "rev-parse", "--short", "HEAD"], root) || "unknown",
      bun: Bun.version,
      nginx,
      wrk,
    },
  };
}
