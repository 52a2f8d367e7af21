/**
 * Catalog search: `q` is free text — every word must appear (case-
 * insensitively) in the name, description, tags, categories or usage docs;
 * `tag` and `category` (repeatable) must each be among the service's.
 */
import type { Service } from "../config/entities.ts";
import { docsOf, entryOf } from "./entry.ts";

export interface CatalogQuery {
  words: string[];
  tags: string[];
  categories: string[];
}

export function readQuery(params: URLSearchParams): CatalogQuery {
  const q = (params.get("q") ?? "").toLowerCase();
  return {
    words: q.split(/\s+/).filter((w) => w.length > 0),
    tags: params.getAll("tag").map((t) => t.toLowerCase()),
    categories: params.getAll("category").map((c) => c.toLowerCase()),
  };
}

export function matches(service: Service, query: CatalogQuery): boolean {
  const entry = entryOf(service, new Map());
  const tags = entry.tags.map((t) => t.toLowerCase());
  const categories = entry.categories.map((c) => c.toLowerCase());
  if (!query.tags.every((t) => tags.includes(t))) return false;
  if (!query.categories.every((c) => categories.includes(c))) return false;
  if (query.words.length === 0) return true;
  const text = [service.name, service.description, ...entry.tags, ...entry.categories, docsOf(service)].join("\n").toLowerCase();
  return query.words.every((w) => text.includes(w));
}
