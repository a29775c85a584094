import type { z } from "zod";
import { configSchema } from "../../../config/schema.js";
import { SECRET_FILES } from "../../../config/secrets.js";

/**
 * What a dotted config key holds, read from the one config schema (config/schema.ts), so
 * `config get/set` knows every key the loader knows and nothing else. Pure.
 */
export type KeyKind =
  | { readonly kind: "string" }
  | { readonly kind: "integer" }
  | { readonly kind: "number" }
  | { readonly kind: "boolean" }
  | { readonly kind: "choice"; readonly values: readonly (string | number | boolean)[] }
  | { readonly kind: "list"; readonly element: KeyKind }
  | { readonly kind: "section"; readonly keys: readonly string[] };

interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly in?: Schema;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly entries?: Readonly<Record<string, string>>;
  readonly options?: readonly Schema[];
  readonly values?: readonly (string | number | boolean)[];
  readonly element?: Schema;
  readonly format?: string;
}
type Schema = { readonly _zod: { readonly def: Def } } | z.ZodType;

const defOf = (schema: Schema): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Through defaults, prefaults, optionals and pipes to the schema that decides the value's type. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      (def.type === "default" ||
        def.type === "prefault" ||
        def.type === "optional" ||
        def.type === "nullable" ||
        def.type === "readonly") &&
      def.innerType
    ) {
      current = def.innerType;
    } else if (def.type === "pipe" && def.in) {
      current = def.in;
    } else {
      return current;
    }
  }
}

function kindOf(schema: Schema): KeyKind {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case "object":
      return { kind: "section", keys: Object.keys(def.shape ?? {}) };
    case "string":
      return { kind: "string" };
    case "number":
      return def.format === "safeint" || def.format === "int32" ? { kind: "integer" } : { kind: "number" };
    case "boolean":
      return { kind: "boolean" };
    case "enum":
      return { kind: "choice", values: Object.values(def.entries ?? {}) };
    case "literal":
      return { kind: "choice", values: def.values ?? [] };
    case "union": {
      const values = (def.options ?? []).flatMap((option) => {
        const inner = defOf(unwrap(option));
        return inner.type === "literal" ? [...(inner.values ?? [])] : [];
      });
      return values.length === (def.options ?? []).length ? { kind: "choice", values } : { kind: "string" };
    }
    case "array":
      return { kind: "list", element: def.element === undefined ? { kind: "string" } : kindOf(def.element) };
    default:
      return { kind: "string" };
  }
}

/** The kind of `vipps.msn`-style key, or undefined for a key the schema does not have. */
export function keyKind(path: readonly string[]): KeyKind | undefined {
  let schema: Schema = configSchema;
  for (const segment of path) {
    const def = defOf(unwrap(schema));
    // Own keys only: `__proto__`, `constructor`, `toString` … are not config keys.
    const shape = def.type === "object" ? def.shape : undefined;
    const next = shape !== undefined && Object.hasOwn(shape, segment) ? shape[segment] : undefined;
    if (next === undefined) return undefined;
    schema = next;
  }
  return path.length === 0 ? undefined : kindOf(schema);
}

/** Every leaf key, dotted, in schema order (for hints). */
export function allKeys(): string[] {
  const keys: string[] = [];
  const walk = (schema: Schema, prefix: readonly string[]): void => {
    const kind = kindOf(schema);
    if (kind.kind !== "section") {
      keys.push(prefix.join("."));
      return;
    }
    const def = defOf(unwrap(schema));
    for (const [name, child] of Object.entries(def.shape ?? {})) walk(child, [...prefix, name]);
  };
  walk(configSchema, []);
  return keys;
}

const SECRET_WORDS = /secret|password|passwd|token|subscriptionkey|credential|apikey/i;

/**
 * When a key looks like a secret (`vipps.clientSecret`, `mqtt.password`, `loyalty.httpToken` …):
 * the secret file that holds it, or "" for a secret we have no file for. Secrets are files,
 * never config keys (config/secrets.ts). Undefined for anything else.
 */
export function secretFileFor(path: readonly string[]): string | undefined {
  const last = (path[path.length - 1] ?? "").replace(/[-_]/g, "").toLowerCase();
  const squash = (file: string): string => file.replace(/-/g, "");
  const unprefixed = (file: string): string => squash(file.replace(/^(vipps|mqtt|loyalty)-/, ""));
  const file = Object.entries(SECRET_FILES).find(
    ([key, name]) => last === key.toLowerCase() || last === squash(name) || last === unprefixed(name),
  )?.[1];
  if (file !== undefined) return file;
  return SECRET_WORDS.test(last) ? "" : undefined;
}
