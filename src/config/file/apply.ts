/**
 * Makes the store match a validated file in one transaction: all of it or
 * none of it. When nothing differs no transaction is opened, so applying
 * the same file twice leaves the revision alone.
 */
import type { SecretBox } from "../../core/secrets.ts";
import type { Kind } from "../entities.ts";
import type { Store, StoreOps } from "../../store/store.ts";
import { readAll } from "./current.ts";
import { desiredState } from "./desired.ts";
import { type KindChanges, type Op, planChanges, summarize } from "./plan.ts";
import type { WaygateConfig } from "./schema.ts";

export interface ApplySummary {
  /** False when the store already matched the file. */
  changed: boolean;
  /** The store's revision after the apply. */
  revision: number;
  kinds: Record<Kind, KindChanges>;
  /** Every write, in the order it was (or, for a dry run, would be) made. */
  operations: Op[];
}

export interface ApplyOptions {
  dryRun?: boolean;
  /** Seals provider key secrets (see desiredState). */
  secrets?: SecretBox;
}

export async function planConfig(ops: StoreOps, cfg: WaygateConfig, secrets?: SecretBox): Promise<Op[]> {
  const current = await readAll(ops);
  return planChanges(desiredState(cfg, current, secrets), current);
}

/** Whether applying the file needs the master key: some provider key or JWT credential key carries a secret. */
export function configHasSecrets(cfg: WaygateConfig): boolean {
  return (
    cfg.providers.some((p) => p.keys.some((k) => k.secret !== undefined || k.session_token !== undefined)) ||
    cfg.applications.some((a) => a.credentials.some((c) => c.jwt?.keys.some((k) => k.secret !== undefined)))
  );
}

async function execute(tx: StoreOps, ops: Op[]): Promise<void> {
  for (const op of ops) {
    if (op.action === "create") await tx.create(op.kind, op.data, op.id);
    else if (op.action === "update") await tx.update(op.kind, op.id, op.data);
    else await tx.delete(op.kind, op.id);
  }
}

export async function applyConfig(store: Store, cfg: WaygateConfig, opts: ApplyOptions = {}): Promise<ApplySummary> {
  const preview = await planConfig(store, cfg, opts.secrets);
  if (preview.length === 0 || opts.dryRun) {
    return { changed: false, revision: await store.revision(), kinds: summarize(preview), operations: preview };
  }
  // Planned again inside the transaction: another writer may have changed the store since the preview.
  const applied = await store.transaction(async (tx) => {
    const ops = await planConfig(tx, cfg, opts.secrets);
    await execute(tx, ops);
    return ops;
  });
  return { changed: applied.length > 0, revision: await store.revision(), kinds: summarize(applied), operations: applied };
}
