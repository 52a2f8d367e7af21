/**
 * The released versions of a service, for its catalog page, read from the
 * `releases` table where this database has one: the published release and
 * the ones it superseded, newest first. Without the table there are none.
 */
import type { Store } from "../store/store.ts";

export interface CatalogRelease {
  id: string;
  version: string;
  status: string;
  published_at: string | null;
}

async function hasReleases(store: Store): Promise<boolean> {
  const sql =
    store.dialect === "sqlite"
      ? "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'releases'"
      : "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'releases'";
  const [row] = await store.db.read((q) => q.all(sql), false);
  return Number(row?.n ?? 0) > 0;
}

export async function releasedVersions(store: Store, serviceId: string): Promise<CatalogRelease[]> {
  if (!(await hasReleases(store))) return [];
  const rows = await store.db.read(
    (q) =>
      q.all(
        "SELECT id, version, status, published_at FROM releases WHERE service_id = ? AND status IN ('published', 'superseded') ORDER BY created_at DESC, id DESC LIMIT 100",
        [serviceId],
      ),
    false,
  );
  return rows.map((r) => ({
    id: String(r.id),
    version: String(r.version),
    status: String(r.status),
    published_at: typeof r.published_at === "string" ? r.published_at : r.published_at instanceof Date ? r.published_at.toISOString() : null,
  }));
}
