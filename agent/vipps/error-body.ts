/**
 * Reads the facts out of a Vipps error body, whichever of its shapes it has (docs/vipps-api.md §1.3):
 * - ePayment problem+json `{ type, title, detail, instance, status, traceId, extraDetails:
 *   [{ name: "ErrorCode", reason: "6060" }] }`;
 * - QR `{ title, detail, instance, invalidParams }` and exchange `{ title, status, detail,
 *   extraDetails }`;
 * - Webhooks `{ type, title, status, detail, instance, traceId, extraDetails }` (all nullable);
 * - OAuth (Login/CIBA) `{ error, error_description, error_code }`;
 * - access token (as the SDK models it) `{ error, error_description, trace_id, correlation_id }`;
 * - anything else, including non-JSON (an HTML page from a proxy): no facts, only the status.
 * Pure: no I/O. The texts are Vipps' and may be echoed in messages only after redaction.
 */
export interface ErrorFacts {
  readonly title?: string;
  readonly detail?: string;
  readonly traceId?: string;
  /** Vipps' numeric domain error code, e.g. "6060". */
  readonly vippsCode?: string;
  /** OAuth `error`, e.g. `authorization_pending`. */
  readonly oauthError?: string;
  /** Vipps' Login `error_code`, e.g. `old_app` (a string, or a number in older answers). */
  readonly oauthErrorCode?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() !== "" ? value : undefined;

function codeFromExtraDetails(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const item of value) {
    if (!isRecord(item)) continue;
    const name = text(item.name)?.toLowerCase();
    const reason = item.reason;
    if (name === "errorcode" && (typeof reason === "string" || typeof reason === "number"))
      return String(reason).trim();
  }
  return undefined;
}

export function errorFacts(body: unknown): ErrorFacts {
  if (!isRecord(body)) return {};
  const facts: { -readonly [K in keyof ErrorFacts]: ErrorFacts[K] } = {};
  const title = text(body.title) ?? text(body.message);
  const detail = text(body.detail) ?? text(body.error_description);
  const traceId = text(body.traceId) ?? text(body.trace_id) ?? text(body.instance);
  const vippsCode = codeFromExtraDetails(body.extraDetails);
  const oauthError = text(body.error);
  const errorCode = body.error_code;
  if (title !== undefined) facts.title = title;
  if (detail !== undefined) facts.detail = detail;
  if (traceId !== undefined) facts.traceId = traceId;
  if (vippsCode !== undefined) facts.vippsCode = vippsCode;
  if (oauthError !== undefined) facts.oauthError = oauthError;
  if (typeof errorCode === "string" || typeof errorCode === "number")
    facts.oauthErrorCode = String(errorCode);
  return facts;
}
