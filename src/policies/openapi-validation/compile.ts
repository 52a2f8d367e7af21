/**
 * An OpenAPI document → everything request validation needs, built once per
 * policy (at write time to report problems, at snapshot build to run):
 * ordered path matchers, per operation its parameters and one validator per
 * location, and per request body media type a body validator. Problems are
 * reported at their place in the document, all of them at once.
 */
import { convertSchema30 } from "./convert-30.ts";
import { type DocumentIssue, type JsonObject, derefSchema, isObject, loadDocument, pointerOf, resolveReference } from "./document.ts";
import { type BodyFormat, essence, formatOf } from "./media.ts";
import { DEFAULT_STYLE, LOCATIONS, type Location, type ParameterSpec, type Shape, checkStyle } from "./parameters.ts";
import { type PathTemplate, basePaths, compileTemplate, orderTemplates } from "./paths.ts";
import { HTTP_METHODS, visitSchemas } from "./schema-positions.ts";
import { DOCUMENT_ID, type Engines, type ValidateFunction, engines, schemaProblems } from "./validator.ts";

export interface CompiledMedia {
  /** The `content` key's essence (`application/json`, `image/*`). */
  mediaType: string;
  /** For JSON bodies (validated as sent). */
  json?: ValidateFunction;
  /** For URL-encoded bodies (fields coerced like query parameters); `arrays` names the fields that repeat. */
  form?: { validate: ValidateFunction; arrays: ReadonlySet<string> };
}

export interface CompiledBody {
  required: boolean;
  media: readonly CompiledMedia[];
}

export interface CompiledOperation {
  method: string;
  template: string;
  parameters: readonly ParameterSpec[];
  /** One object schema per location: parameter name → its schema, required ones listed. */
  validators: Partial<Record<Location, ValidateFunction>>;
  body: CompiledBody | undefined;
}

export interface CompiledApi {
  bases: readonly string[];
  /** In matching order; each maps an upper-case method to its operation. */
  paths: readonly PathTemplate<ReadonlyMap<string, CompiledOperation>>[];
}

type Path = Array<string | number>;

// The specification tells tools to ignore these header parameters: other parts of the document describe them.
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);

class Compiler {
  readonly issues: DocumentIssue[] = [];
  /** Off once a schema has failed the meta-schema: the structure is still checked, but nothing more is compiled from broken schemas. */
  compiling = true;

  constructor(
    private readonly doc: JsonObject,
    private readonly engines: Engines,
  ) {}

  private issue(path: Path, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  private resolve(value: unknown, at: Path): { value: JsonObject; path: Path } | undefined {
    const r = resolveReference(this.doc, value, at);
    if (!r.ok) return this.issue(r.issue.path, r.issue.message);
    if (!isObject(r.value)) return this.issue(r.path, "must be an object");
    return { value: r.value, path: r.path };
  }

  private refTo(path: Path): JsonObject {
    return { $ref: `${DOCUMENT_ID}#${pointerOf(path)}` };
  }

  private compile(engine: "coercing" | "exact", schema: JsonObject, at: Path): ValidateFunction | undefined {
    if (!this.compiling) return undefined;
    try {
      return this.engines[engine].compile(schema);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return this.issue(at, message.replaceAll(` from id ${DOCUMENT_ID}`, "").replaceAll(DOCUMENT_ID, ""));
    }
  }

  private shapeOf(schema: unknown): { shape: Shape; properties: string[] } {
    const s = derefSchema(this.doc, schema);
    const types = s === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
    const properties = s && isObject(s.properties) ? Object.keys(s.properties) : [];
    if (types.includes("array")) return { shape: "array", properties };
    if (types.includes("object") || (s !== undefined && s.type === undefined && properties.length > 0)) return { shape: "object", properties };
    return { shape: "scalar", properties };
  }

  private parameter(value: unknown, at: Path, pathNames: readonly string[]): { spec: ParameterSpec; schemaPath: Path | undefined } | undefined {
    const r = this.resolve(value, at);
    if (!r) return undefined;
    const p = r.value;
    if (typeof p.name !== "string" || p.name === "") return this.issue([...r.path, "name"], "is required");
    const location = p.in;
    if (typeof location !== "string" || !(LOCATIONS as readonly string[]).includes(location)) {
      return this.issue([...r.path, "in"], `must be one of ${LOCATIONS.join(", ")}`);
    }
    const loc = location as Location;
    if (loc === "path") {
      if (p.required !== true) return this.issue([...r.path, "required"], "must be true for a path parameter");
      if (!pathNames.includes(p.name)) return this.issue([...r.path, "name"], `'${p.name}' is not a variable of the path template`);
    }
    const style = typeof p.style === "string" ? p.style : DEFAULT_STYLE[loc];
    const badStyle = checkStyle(loc, style);
    if (badStyle) return this.issue([...r.path, "style"], badStyle);
    let schemaPath: Path | undefined;
    let json = false;
    if (p.schema !== undefined && p.content !== undefined) return this.issue(r.path, "give either schema or content, not both");
    if (p.schema !== undefined) schemaPath = [...r.path, "schema"];
    else if (isObject(p.content)) {
      const entries = Object.entries(p.content);
      const [mediaType, media] = entries[0] ?? [];
      if (entries.length !== 1 || mediaType === undefined) return this.issue([...r.path, "content"], "must have exactly one media type");
      json = formatOf(essence(mediaType)) === "json";
      if (isObject(media) && media.schema !== undefined) schemaPath = [...r.path, "content", mediaType, "schema"];
    } else return this.issue(r.path, "needs a schema or a content map");
    const { shape, properties } = json ? { shape: "scalar" as const, properties: [] } : this.shapeOf(schemaPath ? this.at(schemaPath) : undefined);
    const spec: ParameterSpec = {
      name: loc === "header" ? p.name.toLowerCase() : p.name,
      in: loc,
      required: p.required === true,
      style,
      explode: typeof p.explode === "boolean" ? p.explode : style === "form",
      shape,
      properties,
      json,
    };
    return { spec, schemaPath };
  }

  /** The value at a document path (which exists: the compiler got it from there). */
  private at(path: Path): unknown {
    let node: unknown = this.doc;
    for (const part of path) node = Array.isArray(node) ? node[Number(part)] : isObject(node) ? node[String(part)] : undefined;
    return node;
  }

  private parameters(item: JsonObject, itemPath: Path, op: JsonObject, opPath: Path, names: readonly string[]) {
    const byKey = new Map<string, { spec: ParameterSpec; schemaPath: Path | undefined }>();
    // A path parameter that is itself faulty still declares its variable; it is reported once, for its own fault.
    const declared = new Set<string>();
    const lists: Array<[unknown, Path]> = [
      [item.parameters, [...itemPath, "parameters"]],
      [op.parameters, [...opPath, "parameters"]],
    ];
    for (const [list, listPath] of lists) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        this.issue(listPath, "must be a list");
        continue;
      }
      // Operation parameters come second and replace path-level ones with the same name and location.
      list.forEach((value, i) => {
        const raw = resolveReference(this.doc, value, []);
        if (raw.ok && isObject(raw.value) && raw.value.in === "path" && typeof raw.value.name === "string") declared.add(raw.value.name);
        const p = this.parameter(value, [...listPath, i], names);
        if (p && !(p.spec.in === "header" && IGNORED_HEADERS.has(p.spec.name))) byKey.set(`${p.spec.in}:${p.spec.name}`, p);
      });
    }
    for (const name of names) {
      if (!declared.has(name)) this.issue(opPath, `the path variable '${name}' has no path parameter`);
    }
    return [...byKey.values()];
  }

  private locationValidators(params: ReadonlyArray<{ spec: ParameterSpec; schemaPath: Path | undefined }>, opPath: Path): Partial<Record<Location, ValidateFunction>> {
    const out: Partial<Record<Location, ValidateFunction>> = {};
    for (const loc of LOCATIONS) {
      const here = params.filter((p) => p.spec.in === loc);
      if (here.length === 0) continue;
      const properties: Record<string, unknown> = {};
      for (const p of here) properties[p.spec.name] = p.schemaPath ? this.refTo(p.schemaPath) : true;
      const required = here.filter((p) => p.spec.required).map((p) => p.spec.name);
      const v = this.compile("coercing", { type: "object", properties, required }, [...opPath, "parameters"]);
      if (v) out[loc] = v;
    }
    return out;
  }

  private body(value: unknown, at: Path): CompiledBody | undefined {
    const r = this.resolve(value, at);
    if (!r) return undefined;
    const content = r.value.content;
    if (!isObject(content) || Object.keys(content).length === 0) return this.issue([...r.path, "content"], "must name at least one media type");
    const media: CompiledMedia[] = [];
    for (const [key, entry] of Object.entries(content)) {
      const mediaType = essence(key);
      const out: CompiledMedia = { mediaType };
      media.push(out);
      if (!isObject(entry) || entry.schema === undefined) continue;
      const schemaPath = [...r.path, "content", key, "schema"];
      const format: BodyFormat | "any" = mediaType.includes("*") ? "any" : formatOf(mediaType);
      if (format === "json" || format === "any") out.json = this.compile("exact", this.refTo(schemaPath), schemaPath);
      if (format === "form" || format === "any") {
        const validate = this.compile("coercing", this.refTo(schemaPath), schemaPath);
        const props = derefSchema(this.doc, entry.schema)?.properties;
        const arrays = new Set(isObject(props) ? Object.keys(props).filter((k) => this.shapeOf(props[k]).shape === "array") : []);
        if (validate) out.form = { validate, arrays };
      }
    }
    return { required: r.value.required === true, media };
  }

  private operation(method: string, item: JsonObject, itemPath: Path, names: readonly string[], template: string): CompiledOperation | undefined {
    const opPath = [...itemPath, method];
    const op = item[method];
    if (!isObject(op)) return this.issue(opPath, "must be an object");
    const params = this.parameters(item, itemPath, op, opPath, names);
    const validators = this.locationValidators(params, opPath);
    const body = op.requestBody === undefined ? undefined : this.body(op.requestBody, [...opPath, "requestBody"]);
    return { method: method.toUpperCase(), template, parameters: params.map((p) => p.spec), validators, body };
  }

  paths(): PathTemplate<ReadonlyMap<string, CompiledOperation>>[] {
    const paths = this.doc.paths;
    if (paths === undefined) return [];
    if (!isObject(paths)) return this.issue(["paths"], "must be an object") ?? [];
    const out: PathTemplate<ReadonlyMap<string, CompiledOperation>>[] = [];
    for (const [template, rawItem] of Object.entries(paths)) {
      if (template.startsWith("x-")) continue;
      const operations = new Map<string, CompiledOperation>();
      const compiled = compileTemplate(template, operations);
      if (!("pattern" in compiled)) {
        this.issues.push(compiled);
        continue;
      }
      const item = this.resolve(rawItem, ["paths", template]);
      if (!item) continue;
      for (const method of HTTP_METHODS) {
        if (item.value[method] === undefined) continue;
        const op = this.operation(method, item.value, item.path, compiled.names, template);
        if (op) operations.set(op.method, op);
      }
      out.push(compiled);
    }
    return orderTemplates(out);
  }

  checkSchemas(): void {
    visitSchemas(this.doc, (schema, path) => {
      for (const p of schemaProblems(this.engines.exact, schema)) this.issue([...path, ...p.path], p.message);
      return schema;
    });
  }
}

export type CompileResult = { ok: true; api: CompiledApi } | { ok: false; issues: DocumentIssue[] };

/** Path-level parameters are compiled once per operation; their faults are reported once. */
function distinct(issues: readonly DocumentIssue[]): DocumentIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = JSON.stringify([i.path, i.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function compileApi(spec: string | JsonObject): CompileResult {
  const loaded = loadDocument(spec);
  if (!loaded.ok) return loaded;
  const { doc, version } = loaded.loaded;
  if (version === "3.0") visitSchemas(doc, convertSchema30);
  const compiler = new Compiler(doc, engines(doc));
  const bases = basePaths(doc);
  if (!Array.isArray(bases)) compiler.issues.push(bases);
  compiler.checkSchemas();
  // Schemas the meta-schema rejects would fail again, less clearly, when compiled.
  compiler.compiling = compiler.issues.length === 0;
  const paths = compiler.paths();
  if (compiler.issues.length > 0 || !Array.isArray(bases)) return { ok: false, issues: distinct(compiler.issues) };
  return { ok: true, api: { bases, paths } };
}
