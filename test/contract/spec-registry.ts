import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import * as ajvFormats from "ajv-formats";
import { parse } from "yaml";
import { convertSchema, docId, refId } from "./schema-convert.js";
import { applyDeltas, node, type RawDoc } from "./spec-deltas.js";

/**
 * Loads the vendored OpenAPI 3.0 specs once per process, applies the known deltas, and
 * compiles every parameter, request body and response schema with Ajv. Internal to the
 * contract validator (openapi.ts is the public surface).
 */
const API_NAMES = [
  "epayment",
  "qr",
  "webhooks",
  "access-token",
  "login",
  "userinfo",
  "order-management",
] as const;
export type ApiName = (typeof API_NAMES)[number];

const SPEC_FILES = API_NAMES;
const SPEC_DIR = new URL("./vipps-openapi/", import.meta.url);

export type SecurityScheme =
  | { kind: "bearer"; name: string }
  | { kind: "basic"; name: string }
  | { kind: "api-key-header"; name: string; header: string };

interface CompiledParameter {
  readonly name: string;
  readonly in: "header" | "query" | "path";
  readonly required: boolean;
  /** The schema's `type`, to coerce header/query/path text before validation. */
  readonly type: string | undefined;
  readonly validate: ValidateFunction;
}

export interface CompiledMedia {
  readonly mediaType: string;
  readonly validate: ValidateFunction;
}

export interface Operation {
  readonly api: ApiName;
  readonly method: string;
  /** Full path template including the server's base path, e.g. `/qr/v1/merchant-callback/{merchantQrId}`. */
  readonly template: string;
  readonly operationId: string;
  readonly parameters: readonly CompiledParameter[];
  readonly requestBody:
    { readonly required: boolean; readonly contents: readonly CompiledMedia[] } | undefined;
  /** Keyed by status code, `1XX`…`5XX` or `default`; `contents` empty when no body is documented. */
  readonly responses: ReadonlyMap<string, readonly CompiledMedia[]>;
  /** Alternatives (OR) of schemes that must all hold (AND); empty = no authentication. */
  readonly security: readonly (readonly SecurityScheme[])[];
  readonly forbiddenHeaders: readonly string[];
}

export interface LoadedApi {
  readonly name: ApiName;
  readonly basePath: string;
  readonly operations: readonly Operation[];
  /** Error body for statuses the spec does not list per operation (401, 423, 429, 5xx …). */
  readonly genericError: ValidateFunction;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
  // ajv-formats is CommonJS (`module.exports = plugin; exports.default = plugin`); under NodeNext
  // TypeScript types the default import as the module object, so call whichever is the function.
  type Plugin = (ajv: Ajv) => Ajv;
  const plugin = ajvFormats.default as unknown as Plugin & { default?: Plugin };
  (plugin.default ?? plugin)(ajv);
  return ajv;
}

/** Resolves a Reference Object to parameters/responses/requestBodies inside the same doc. */
function deref(doc: RawDoc, value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error("spec: expected an object");
  const ref = value.$ref;
  if (typeof ref !== "string") return value;
  const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  if (match === null) throw new Error(`spec: unsupported $ref ${ref}`);
  return deref(doc, node(doc, "components", match[1] ?? "", match[2] ?? ""));
}

function basePathOf(doc: RawDoc): string {
  const servers = doc.servers;
  if (!Array.isArray(servers) || servers.length === 0) return "";
  const paths = new Set(
    servers.map((s) => new URL(String((s as { url: unknown }).url)).pathname.replace(/\/+$/, "")),
  );
  if (paths.size !== 1) throw new Error("spec: servers disagree on the base path");
  return [...paths][0] ?? "";
}

class SpecCompiler {
  constructor(
    private readonly ajv: Ajv,
    private readonly api: ApiName,
    private readonly doc: RawDoc,
  ) {}

  schema(raw: unknown): ValidateFunction {
    return this.ajv.compile(convertSchema(this.api, raw));
  }

  contents(raw: unknown): CompiledMedia[] {
    if (!isRecord(raw)) return [];
    return Object.entries(raw).map(([mediaType, media]) => ({
      mediaType,
      validate: this.schema(isRecord(media) && media.schema !== undefined ? media.schema : {}),
    }));
  }

  parameters(pathLevel: unknown, opLevel: unknown): CompiledParameter[] {
    const byKey = new Map<string, Record<string, unknown>>();
    for (const list of [pathLevel, opLevel]) {
      if (!Array.isArray(list)) continue;
      for (const raw of list) {
        const p = deref(this.doc, raw);
        byKey.set(`${String(p.in)}:${String(p.name).toLowerCase()}`, p);
      }
    }
    return [...byKey.values()]
      .filter((p) => p.in === "header" || p.in === "query" || p.in === "path")
      .map((p) => {
        const schema = isRecord(p.schema) ? p.schema : {};
        return {
          name: String(p.name),
          in: p.in as CompiledParameter["in"],
          required: p.required === true || p.in === "path",
          type: typeof schema.type === "string" ? schema.type : undefined,
          validate: this.schema(schema),
        };
      });
  }

  security(raw: unknown): SecurityScheme[][] {
    if (!Array.isArray(raw)) return [];
    const schemes =
      isRecord(this.doc.components) && isRecord(this.doc.components.securitySchemes)
        ? this.doc.components.securitySchemes
        : {};
    return raw.map((requirement) =>
      Object.keys(requirement as Record<string, unknown>).flatMap((name): SecurityScheme[] => {
        const s = schemes[name];
        if (!isRecord(s)) throw new Error(`${this.api}: unknown security scheme ${name}`);
        if (s.type === "http" && s.scheme === "bearer") return [{ kind: "bearer", name }];
        if (s.type === "http" && s.scheme === "basic") return [{ kind: "basic", name }];
        if (s.type === "apiKey" && s.in === "header")
          return [{ kind: "api-key-header", name, header: String(s.name) }];
        return [];
      }),
    );
  }

  operations(basePath: string): Operation[] {
    const ops: Operation[] = [];
    for (const [path, rawItem] of Object.entries(node(this.doc, "paths"))) {
      const item = rawItem as Record<string, unknown>;
      for (const method of METHODS) {
        const op = item[method];
        if (!isRecord(op)) continue;
        const body = op.requestBody === undefined ? undefined : deref(this.doc, op.requestBody);
        ops.push({
          api: this.api,
          method: method.toUpperCase(),
          template: `${basePath}${path}`,
          operationId: typeof op.operationId === "string" ? op.operationId : `${method} ${path}`,
          parameters: this.parameters(item.parameters, op.parameters),
          requestBody:
            body === undefined
              ? undefined
              : { required: body.required === true, contents: this.contents(body.content) },
          responses: new Map(
            Object.entries(isRecord(op.responses) ? op.responses : {}).map(([status, r]) => [
              status,
              this.contents(deref(this.doc, r).content),
            ]),
          ),
          security: this.security(op.security ?? this.doc.security),
          forbiddenHeaders: Array.isArray(op["x-forbidden-headers"])
            ? op["x-forbidden-headers"].map(String)
            : [],
        });
      }
    }
    return ops;
  }
}

/** Error bodies for statuses an operation does not document (docs/vipps-api.md §1.3). */
function genericErrorSchema(api: ApiName): unknown {
  switch (api) {
    case "epayment":
      return { $ref: "#/components/schemas/Problem" };
    case "qr":
      return {
        anyOf: [
          { $ref: "#/components/schemas/QrErrorResponse" },
          { $ref: "#/components/schemas/CustomerExchangeErrorResponse" },
        ],
      };
    case "webhooks":
      return { $ref: "#/components/schemas/ProblemDetails" };
    case "order-management":
      return { $ref: "#/components/schemas/ErrorResponse" };
    case "login":
      return { $ref: "#/components/schemas/OAuthError" };
    case "userinfo":
      return { $ref: "#/components/schemas/UserinfoError" };
    case "access-token":
      // The copy documents no error body; the SDK models it like this (docs/vipps-api.md §2).
      return {
        type: "object",
        properties: {
          error: { type: "string" },
          error_description: { type: "string" },
          error_codes: { type: "array", items: { type: "integer" } },
          timestamp: { type: "string" },
          trace_id: { type: "string" },
          correlation_id: { type: "string" },
          error_uri: { type: "string" },
        },
      };
  }
}

interface Registry {
  readonly ajv: Ajv;
  readonly apis: ReadonlyMap<ApiName, LoadedApi>;
}

let registry: Registry | undefined;

function load(): Registry {
  const ajv = createAjv();
  const docs = new Map<string, RawDoc>();
  for (const name of SPEC_FILES) {
    const doc = parse(readFileSync(new URL(`${name}.yaml`, SPEC_DIR), "utf8")) as RawDoc;
    applyDeltas(name, doc);
    const schemas = node(doc, "components", "schemas");
    ajv.addSchema({
      $id: docId(name),
      $defs: Object.fromEntries(Object.entries(schemas).map(([k, v]) => [k, convertSchema(name, v)])),
    });
    docs.set(name, doc);
  }
  const apis = new Map<ApiName, LoadedApi>();
  for (const name of API_NAMES) {
    const doc = docs.get(name) as RawDoc;
    const compiler = new SpecCompiler(ajv, name, doc);
    const basePath = basePathOf(doc);
    apis.set(name, {
      name,
      basePath,
      operations: compiler.operations(basePath),
      genericError: compiler.schema(genericErrorSchema(name)),
    });
  }
  return { ajv, apis };
}

export function loadApi(api: ApiName): LoadedApi {
  registry ??= load();
  const loaded = registry.apis.get(api);
  if (loaded === undefined) throw new Error(`unknown api ${String(api)}`);
  return loaded;
}

const components = new Map<string, ValidateFunction>();

/** A validator for one named component schema of a spec (after deltas). */
export function componentValidator(api: ApiName, name: string): ValidateFunction {
  registry ??= load();
  const id = refId(api, name);
  let validate = components.get(id);
  if (validate === undefined) {
    validate = registry.ajv.compile({ $ref: id });
    components.set(id, validate);
  }
  return validate;
}

const adHoc = new WeakMap<object, ValidateFunction>();

/** A validator for a hand-written JSON Schema (no `$ref`s into the specs). */
export function adHocValidator(schema: object): ValidateFunction {
  registry ??= load();
  let validate = adHoc.get(schema);
  if (validate === undefined) {
    validate = registry.ajv.compile(schema);
    adHoc.set(schema, validate);
  }
  return validate;
}
