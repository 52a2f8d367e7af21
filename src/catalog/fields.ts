/**
 * The catalog's fields of a service (docs/catalog.md): who may find it,
 * how it is labelled, and its usage documentation. Services stored before
 * these fields existed read as internal, unlabelled and undocumented.
 */
import { z } from "zod";

const label = z.string().min(1).max(64).regex(/^[^\s,][^,]*$/, "must not start with a space or contain ','");

export const SERVICE_VISIBILITIES = ["public", "internal"] as const;
export type ServiceVisibility = (typeof SERVICE_VISIBILITIES)[number];

/** Usage documentation is markdown shown in the catalog; large manuals belong in a link. */
export const MAX_SERVICE_DOCS = 100_000;

export const ServiceCatalogFields = {
  /** public: every team finds it in the catalog and may subscribe; internal: only the owning team. */
  visibility: z.enum(SERVICE_VISIBILITIES).default("internal"),
  tags: z.array(label).max(32).default([]),
  categories: z.array(label).max(16).default([]),
  /** Usage documentation (markdown) shown in the catalog. */
  docs: z.string().max(MAX_SERVICE_DOCS).optional(),
};
