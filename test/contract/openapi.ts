import type { ErrorObject, ValidateFunction } from "ajv";
import { CHECKED_IN_SCHEMA } from "./ciba-spec.js";
import { findOperation } from "./path-match.js";
import {
  adHocValidator,
  componentValidator,
  loadApi,
  type ApiName,
  type CompiledMedia,
  type Operation,
  type SecurityScheme,
} from "./spec-registry.js";

/**
 * Contract validator: checks HTTP requests and responses against the official Vipps MobilePay
 * OpenAPI 3.0 specs vendored in ./vipps-openapi (with the deltas of SOURCES.md applied in
 * spec-deltas.ts, and the CIBA endpoints from ciba-spec.ts). Used by the client's tests for
 * every request it sends and by the simulator's tests for every response it returns.
 *
 *   validateRequest(api, method, concretePath, { headers?, query?, body? }) → string[]
 *   validateResponse(api, method, concretePath, status, { contentType?, body? }) → string[]
 *   validateWebhookPayload(event, body) → string[]      (user.checked-in.v1, epayments.payment.*.v1)
 *   apiForPath(concretePath) → ApiName | undefined      (which spec a path belongs to)
 *
 * Every function returns a list of human-readable problems; an empty list means valid.
 *
 * - `api`: "epayment" | "qr" | "webhooks" | "access-token" | "login" | "userinfo" | "order-management".
 * - `concretePath`: the path as sent, e.g. `/qr/v1/merchant-callback/kasse1?QrImageFormat=SVG`
 *   (a full URL is accepted too). It is matched against the spec's path templates prefixed
 *   with the spec's server base path (`/qr`, `/webhooks`); a trailing slash is insignificant
 *   (the userinfo spec has `/userinfo/`, Login discovery advertises `/userinfo`). The query
 *   string is merged with `query`.
 * - `headers`: a `Headers` or a plain object, names case-insensitive. Required header
 *   parameters, forbidden headers and the operation's security (Bearer token, Basic client
 *   credentials, Authorization always with the literal `Bearer `) are checked.
 * - `query`: unknown query parameters are problems (they catch `qrImageFormat` vs `QrImageFormat`).
 * - `body`: `undefined`, `""` or an empty byte array = no body; a string or bytes = the raw body,
 *   parsed per media type (JSON or form); a `URLSearchParams` = a form body; anything else = the
 *   already-parsed JSON value (or, for a form media type, a record of strings).
 * - `contentType`: compared by media type; all JSON media types (`application/json`,
 *   `application/problem+json`, with or without charset) count as one, because the copy declares
 *   even ePayment's successful capture/cancel/refund as `application/problem+json`.
 * - Statuses an operation does not document but every Vipps API may return (400, 401, 403, 404,
 *   409, 423, 429, 5xx; docs/vipps-api.md §1.3) are accepted with an empty body or that API's error body
 *   (ePayment Problem, QR error, webhooks ProblemDetails, OAuth error for Login …). Any other
 *   undocumented status is a problem. A 2xx documented without a body must have none.
 */
export { type ApiName } from "./spec-registry.js";
export { apiForPath } from "./path-match.js";

type HeaderInput = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;
type QueryInput = URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface RequestParts {
  readonly headers?: HeaderInput;
  readonly query?: QueryInput;
  readonly body?: unknown;
}

export interface ResponseParts {
  readonly contentType?: string;
  readonly body?: unknown;
}

const GENERIC_STATUSES = new Set([400, 401, 403, 404, 409, 423, 429, 500, 502, 503, 504]);

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const at = e.instancePath === "" ? where : `${where} ${e.instancePath}`;
    let extra = "";
    if (e.keyword === "additionalProperties")
      extra = ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`;
    if (e.keyword === "enum")
      extra = ` (${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String).join(", ")})`;
    return `${at}: ${e.message ?? e.keyword}${extra}`;
  });
}

function run(validate: ValidateFunction, value: unknown, where: string): string[] {
  return validate(value) ? [] : describe(where, validate.errors);
}

function headerMap(input: HeaderInput | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (input === undefined) return out;
  const entries = input instanceof Headers ? [...input.entries()] : Object.entries(input);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    out.set(name.toLowerCase(), typeof value === "string" ? value : value.join(", "));
  }
  return out;
}

function queryMap(search: string, input: QueryInput | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, value: string): void => void out.set(name, [...(out.get(name) ?? []), value]);
  for (const [name, value] of new URLSearchParams(search)) add(name, value);
  if (input instanceof URLSearchParams) for (const [name, value] of input) add(name, value);
  else if (input !== undefined) {
    for (const [name, value] of Object.entries(input)) {
      if (value === undefined) continue;
      for (const v of typeof value === "string" ? [value] : value) add(name, v);
    }
  }
  return out;
}

function coerce(text: string, type: string | undefined): unknown {
  if ((type === "integer" || type === "number") && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === "boolean" && (text === "true" || text === "false")) return text === "true";
  return text;
}

function checkSecurity(op: Operation, headers: Map<string, string>): string[] {
  if (op.security.length === 0) return [];
  const authorization = headers.get("authorization");
  const schemeProblem = (s: SecurityScheme): string | undefined => {
    switch (s.kind) {
      case "bearer":
        return authorization !== undefined && /^Bearer \S+$/.test(authorization)
          ? undefined
          : `Authorization: expected "Bearer <token>"`;
      case "basic": {
        const m = authorization === undefined ? null : /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(authorization);
        const decoded = m === null ? "" : Buffer.from(m[1] ?? "", "base64").toString("utf8");
        return /^[^:]+:.+$/.test(decoded)
          ? undefined
          : `Authorization: expected "Basic base64(client_id:client_secret)"`;
      }
      case "api-key-header": {
        const value = headers.get(s.header.toLowerCase());
        if (value === undefined || value === "") return `${s.header}: required`;
        // Vipps needs the literal word Bearer even where the spec models it as an API key (docs/vipps-api.md §1.2).
        if (s.header.toLowerCase() === "authorization" && !/^Bearer \S+$/.test(value))
          return `Authorization: expected "Bearer <token>"`;
        return undefined;
      }
    }
  };
  const alternatives = op.security.map((all) =>
    all.map(schemeProblem).filter((p): p is string => p !== undefined),
  );
  if (alternatives.some((problems) => problems.length === 0)) return [];
  return [`authentication: ${alternatives.map((p) => p.join(" and ")).join("; or ")}`];
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === "" || (body instanceof Uint8Array && body.length === 0);
}

const baseType = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase();
const isJsonType = (type: string): boolean =>
  type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type);

function pickMedia(
  contents: readonly CompiledMedia[],
  contentType: string | undefined,
): CompiledMedia | undefined {
  if (contentType === undefined)
    return contents.find((c) => isJsonType(baseType(c.mediaType))) ?? contents[0];
  const wanted = baseType(contentType);
  return (
    contents.find((c) => baseType(c.mediaType) === wanted) ??
    (isJsonType(wanted) ? contents.find((c) => isJsonType(baseType(c.mediaType))) : undefined) ??
    contents.find((c) => c.mediaType === "*/*")
  );
}

/** Parses a body for its media type; returns the value or a problem line. */
function parseBody(
  body: unknown,
  mediaType: string,
  where: string,
): { value: unknown } | { problem: string } {
  const type = baseType(mediaType);
  const text =
    typeof body === "string"
      ? body
      : body instanceof Uint8Array
        ? Buffer.from(body).toString("utf8")
        : undefined;
  if (type === "application/x-www-form-urlencoded") {
    const params =
      text !== undefined ? new URLSearchParams(text) : body instanceof URLSearchParams ? body : undefined;
    if (params === undefined) return { value: body };
    const record: Record<string, string> = {};
    for (const [name, value] of params) {
      if (name in record) return { problem: `${where}: form field ${name} appears more than once` };
      record[name] = value;
    }
    return { value: record };
  }
  if (isJsonType(type) || type === "*/*") {
    if (text === undefined)
      return body instanceof URLSearchParams
        ? { problem: `${where}: expected JSON, got a form` }
        : { value: body };
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return { problem: `${where}: not valid JSON` };
    }
  }
  return { value: undefined };
}

function checkBody(
  contents: readonly CompiledMedia[],
  contentType: string | undefined,
  body: unknown,
  where: string,
): string[] {
  const media = pickMedia(contents, contentType);
  if (media === undefined) {
    return [
      `${where}: content type ${contentType ?? "(none)"} not documented (${contents.map((c) => c.mediaType).join(", ")})`,
    ];
  }
  const parsed = parseBody(body, contentType ?? media.mediaType, where);
  if ("problem" in parsed) return [parsed.problem];
  const type = baseType(media.mediaType);
  if (!isJsonType(type) && type !== "*/*" && type !== "application/x-www-form-urlencoded") return [];
  return run(media.validate, parsed.value, where);
}

export function validateRequest(
  api: ApiName,
  method: string,
  concretePath: string,
  parts: RequestParts = {},
): string[] {
  const found = findOperation(api, method, concretePath);
  if (typeof found === "string") return [found];
  const { op, pathParams, search } = found;
  const headers = headerMap(parts.headers);
  const query = queryMap(search, parts.query);
  const problems: string[] = [];

  for (const p of op.parameters) {
    const where = `${p.in} parameter ${p.name}`;
    const raw =
      p.in === "header"
        ? headers.get(p.name.toLowerCase())
        : p.in === "path"
          ? pathParams.get(p.name)
          : query.get(p.name)?.[0];
    if (raw === undefined) {
      if (p.required) problems.push(`${where}: required`);
      continue;
    }
    if (p.in === "query" && (query.get(p.name)?.length ?? 0) > 1)
      problems.push(`${where}: given more than once`);
    problems.push(...run(p.validate, coerce(raw, p.type), where));
  }
  const known = new Set(op.parameters.filter((p) => p.in === "query").map((p) => p.name));
  for (const name of query.keys())
    if (!known.has(name)) problems.push(`query parameter ${name}: not in the spec`);
  for (const name of op.forbiddenHeaders)
    if (headers.has(name.toLowerCase())) problems.push(`header ${name}: must not be sent to this endpoint`);
  problems.push(...checkSecurity(op, headers));

  const where = "request body";
  if (isEmptyBody(parts.body)) {
    if (op.requestBody?.required === true) problems.push(`${where}: required`);
  } else if (op.requestBody === undefined) {
    problems.push(`${where}: none expected by ${op.method} ${op.template}`);
  } else {
    const contentType = headers.get("content-type");
    if (contentType === undefined) problems.push(`header Content-Type: required with a body`);
    problems.push(...checkBody(op.requestBody.contents, contentType, parts.body, where));
  }
  return problems;
}

export function validateResponse(
  api: ApiName,
  method: string,
  concretePath: string,
  status: number,
  parts: ResponseParts = {},
): string[] {
  const found = findOperation(api, method, concretePath);
  if (typeof found === "string") return [found];
  const { op } = found;
  const key = String(status);
  const documented =
    op.responses.get(key) ?? op.responses.get(`${key[0] ?? ""}XX`) ?? op.responses.get("default");
  const where = `response ${status} body`;
  const empty = isEmptyBody(parts.body);
  const generic = (): string[] => {
    if (empty) return [];
    const ct = parts.contentType === undefined ? "application/json" : parts.contentType;
    if (!isJsonType(baseType(ct))) return [`${where}: error body must be JSON, got ${ct}`];
    const parsed = parseBody(parts.body, "application/json", where);
    return "problem" in parsed
      ? [parsed.problem]
      : run(loadApi(api).genericError, parsed.value, `${where} (${api} error)`);
  };
  if (documented === undefined) {
    return GENERIC_STATUSES.has(status)
      ? generic()
      : [`status ${status} is not documented for ${op.method} ${op.template}`];
  }
  if (documented.length === 0) {
    if (status < 400) return empty ? [] : [`${where}: none documented, got one`];
    return generic();
  }
  if (empty) return [`${where}: required`];
  return checkBody(documented, parts.contentType, parts.body, where);
}

const checkedIn = (): ValidateFunction => adHocValidator(CHECKED_IN_SCHEMA);

/** Checks a webhook body Vipps would POST for `event` (the registered event name). */
export function validateWebhookPayload(event: string, body: unknown): string[] {
  const parsed = isEmptyBody(body)
    ? { problem: "webhook body: required" }
    : parseBody(body, "application/json", "webhook body");
  if ("problem" in parsed) return [parsed.problem];
  if (event === "user.checked-in.v1") return run(checkedIn(), parsed.value, "webhook body");
  const m = /^epayments\.payment\.([a-z]+)\.v1$/.exec(event);
  if (m === null) return [`webhook: unknown event ${event}`];
  const problems = run(componentValidator("epayment", "WebhookEvent"), parsed.value, "webhook body");
  const name = (parsed.value as { name?: unknown } | null)?.name;
  const expected = (m[1] ?? "").toUpperCase();
  if (typeof name === "string" && name !== expected)
    problems.push(`webhook body /name: ${name} does not match event ${event}`);
  return problems;
}
