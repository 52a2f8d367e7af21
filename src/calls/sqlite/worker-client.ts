/** The request/reply side of one SQLite call-log worker. */
import type { CallRecord } from "../../telemetry/call-record.ts";
import type { WorkerReply, WorkerRequest } from "./worker.ts";

type Pending = { resolve: (r: Extract<WorkerReply, { type: "ack" }>) => void; reject: (e: Error) => void };
type Params = Array<string | number>;

/** Distributes Omit over the request union, so each variant keeps its own fields. */
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

export class WorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;

  constructor(path: string, readonly: boolean) {
    this.worker = new Worker(new URL("./worker.ts", import.meta.url).href);
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
        const msg = ev.data;
        if (msg.type === "opened") return resolve();
        if (msg.type === "error" && msg.id === -1) return reject(new Error(msg.message));
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.type === "ack") p.resolve(msg);
        else p.reject(new Error(msg.message));
      };
    });
    this.worker.postMessage({ type: "open", path, readonly } satisfies WorkerRequest);
  }

  private async send(msg: WithoutId<Exclude<WorkerRequest, { type: "open" }>>): Promise<Extract<WorkerReply, { type: "ack" }>> {
    await this.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  async write(batch: CallRecord[]): Promise<void> {
    await this.send({ type: "write", batch: JSON.stringify(batch) });
  }

  async all(sql: string, params: Params): Promise<Array<Record<string, unknown>>> {
    return (await this.send({ type: "all", sql, params })).rows ?? [];
  }

  async run(sql: string, params: Params): Promise<number> {
    return (await this.send({ type: "run", sql, params })).changes ?? 0;
  }

  private closing: Promise<void> | undefined;

  /** Closes the database and ends the thread; later calls wait for the same close. */
  close(): Promise<void> {
    this.closing ??= this.send({ type: "close" })
      .then(() => undefined)
      .finally(() => this.worker.terminate());
    return this.closing;
  }
}
