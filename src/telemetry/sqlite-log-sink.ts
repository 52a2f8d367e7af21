import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { CallRecord } from "./call-record.ts";
import type { CallLogSink } from "./log-queue.ts";

type Reply = { type: "opened" } | { type: "ack"; id: number } | { type: "error"; id: number; message: string };

/** A CallLogSink writing to a SQLite file through a worker thread. */
export class SqliteCallLogSink implements CallLogSink {
  private worker: Worker;
  private nextId = 1;
  private pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private ready: Promise<void>;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.worker = new Worker(new URL("./sqlite-log-worker.ts", import.meta.url).href);
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (ev: MessageEvent<Reply>) => {
        const msg = ev.data;
        if (msg.type === "opened") return resolve();
        const p = this.pending.get(msg.id);
        if (msg.type === "error" && msg.id === -1) return reject(new Error(msg.message));
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.type === "ack") p.resolve();
        else p.reject(new Error(msg.message));
      };
    });
    this.worker.postMessage({ type: "open", path });
  }

  private send(type: "write" | "close", batch?: CallRecord[]): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type, id, batch });
    });
  }

  async write(batch: CallRecord[]): Promise<void> {
    await this.ready;
    await this.send("write", batch);
  }

  async close(): Promise<void> {
    await this.ready;
    await this.send("close");
    this.worker.terminate();
  }
}
