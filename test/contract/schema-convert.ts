/**
 * OpenAPI 3.0 Schema Object → JSON Schema (draft-07, as Ajv validates it).
 *
 * - `nullable: true` (OpenAPI 3.0 only) becomes `"null"` added to `type`, and to `enum` when
 *   there is one (OpenAPI 3.0.0–3.0.2: "allows sending a null value for the defined schema").
 * - `exclusiveMinimum`/`exclusiveMaximum` are booleans in 3.0 and numbers in draft-07.
 * - Siblings of `$ref` are ignored, as OpenAPI 3.0 says (§ Reference Object).
 * - Only validation keywords are kept; annotations (`example`, `x-*`, `deprecated`, …) are
 *   dropped so Ajv can run in strict mode and still reject typos in the keywords we add.
 * - Formats: only the ones that mean something to ajv-formats are kept. `guid` (the access
 *   token spec's `client_id`) is a UUID. `byte` (base64) is dropped: the access token is a
 *   JWT (base64url with dots) despite the spec's `format: byte`. Free-text formats such as
 *   `IATA 3-digit accounting code (PAX)` are descriptions, not formats.
 * - `$ref`s are rewritten to absolute ids (`refId(api, name)`) so a schema compiled on its own
 *   still resolves its references.
 */
export type JsonSchema = Record<string, unknown>;

/** The id under which the `components.schemas` of one spec are registered with Ajv. */
export function docId(api: string): string {
  return `https://contract.invalid/${api}.json`;
}

export function refId(api: string, name: string): string {
  return `${docId(api)}#/$defs/${name}`;
}

const KEEP = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "multipleOf",
  "minProperties",
  "maxProperties",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
]);

const FORMATS: Readonly<Record<string, string | undefined>> = {
  uri: "uri",
  uuid: "uuid",
  guid: "uuid",
  "date-time": "date-time",
  date: "date",
  email: "email",
  int32: "int32",
  int64: "int64",
};

/**
 * Maps a `$ref` string of spec `api` to an absolute id. Local refs (`#/components/schemas/X`)
 * stay in the same spec; `other.yaml#/components/schemas/X` points at another vendored spec.
 */
function rewriteRef(api: string, ref: string): string {
  const match = /^(?:([a-z-]+)\.yaml)?#\/components\/schemas\/([^/]+)$/.exec(ref);
  if (match === null) throw new Error(`${api}: unsupported $ref ${ref}`);
  return refId(match[1] ?? api, match[2] ?? "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function convertSchema(api: string, schema: unknown): JsonSchema {
  if (!isRecord(schema)) throw new Error(`${api}: schema is not an object`);
  if (typeof schema.$ref === "string") return { $ref: rewriteRef(api, schema.$ref) };

  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEEP.has(key)) continue;
    switch (key) {
      case "properties":
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([name, sub]) => [
            name,
            convertSchema(api, sub),
          ]),
        );
        break;
      case "items":
      case "not":
      case "if":
      case "then":
      case "else":
        out[key] = convertSchema(api, value);
        break;
      case "additionalProperties":
        out.additionalProperties = typeof value === "boolean" ? value : convertSchema(api, value);
        break;
      case "allOf":
      case "anyOf":
      case "oneOf":
        out[key] = (value as unknown[]).map((sub) => convertSchema(api, sub));
        break;
      case "format": {
        const format = FORMATS[String(value)];
        if (format !== undefined) out.format = format;
        break;
      }
      default:
        out[key] = value;
    }
  }
  if (schema.exclusiveMinimum === true && typeof schema.minimum === "number") {
    out.exclusiveMinimum = schema.minimum;
    delete out.minimum;
  }
  if (schema.exclusiveMaximum === true && typeof schema.maximum === "number") {
    out.exclusiveMaximum = schema.maximum;
    delete out.maximum;
  }
  if (schema.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  }
  return out;
}
