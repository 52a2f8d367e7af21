/**
 * Maps a path in the parsed value back to a line in the YAML text, so every
 * error can say where to look. Missing nodes resolve to their nearest
 * existing ancestor; map entries resolve to their key, which is where a
 * reader looks for a field.
 */
import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from "yaml";
import type { FilePath } from "./paths.ts";

export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  line(path: FilePath): number {
    for (let n = path.length; n >= 0; n--) {
      const found = this.exactLine(path.slice(0, n));
      if (found !== undefined) return found;
    }
    return 1;
  }

  private offsetLine(offset: number): number {
    return this.lines.linePos(offset).line;
  }

  private exactLine(path: FilePath): number | undefined {
    if (path.length === 0) {
      const root = this.doc.contents;
      return isNode(root) && root.range ? this.offsetLine(root.range[0]) : undefined;
    }
    const parentPath = path.slice(0, -1);
    const parent = parentPath.length === 0 ? this.doc.contents : this.doc.getIn(parentPath, true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value === last : p.key === last));
      if (pair && isNode(pair.key) && pair.key.range) return this.offsetLine(pair.key.range[0]);
    }
    if (isSeq(parent) && typeof last === "number") {
      const item = parent.items[last];
      if (isNode(item) && item.range) return this.offsetLine(item.range[0]);
    }
    return undefined;
  }
}
