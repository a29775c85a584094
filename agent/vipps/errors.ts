import { AgentError } from "../../lib/errors.js";

/**
 * The one error type of the Vipps client. Callers branch on `code` (and, for money
 * operations, on the Vipps numeric code such as "6060"), never on message text.
 */
export type VippsErrorCode =
  /** Refused before anything was sent: a bad reference, key, amount, receipt, id … */
  | "VIPPS_INVALID_ARGUMENT"
  | "VIPPS_BAD_REQUEST"
  /** 401: bad client credentials, or a token refused even after one refresh. */
  | "VIPPS_UNAUTHORIZED"
  /** 403: product not enabled for the sales unit, or not allowed. */
  | "VIPPS_FORBIDDEN"
  | "VIPPS_NOT_FOUND"
  /** 409: idempotency conflict or reference already used. */
  | "VIPPS_CONFLICT"
  /** 423 after every retry: another operation on the same payment kept it locked. */
  | "VIPPS_LOCKED"
  /** 429 after every retry, or with a Retry-After longer than we wait (`retryAfterMs`). */
  | "VIPPS_RATE_LIMITED"
  | "VIPPS_SERVER_ERROR"
  /** Any other non-2xx status. */
  | "VIPPS_HTTP_ERROR"
  /** No complete answer within the per-request timeout: the outcome is UNKNOWN. */
  | "VIPPS_TIMEOUT"
  /** The connection failed or dropped; the outcome is unknown unless the connection was refused. */
  | "VIPPS_NETWORK"
  /** A 2xx whose body is not what the API documents. */
  | "VIPPS_BAD_RESPONSE"
  /** The client was shut down (its signal aborted) during the call. */
  | "VIPPS_ABORTED"
  /** CIBA: the customer's app is too old for merchant-initiated login. */
  | "VIPPS_LOGIN_OLD_APP"
  /** CIBA: no, blocked or under-age account for that number. */
  | "VIPPS_LOGIN_INVALID_USER";

/** Log-safe facts about a failed call (no secrets, tokens or personal data by construction). */
export interface VippsErrorInfo {
  /** e.g. `epayment.capture`. */
  readonly operation: string;
  /** Method and path template, e.g. `POST /epayment/v1/payments/{reference}/capture`. */
  readonly endpoint: string;
  readonly status?: number;
  /** Vipps' numeric error code from problem `extraDetails` (e.g. "6060"). */
  readonly vippsCode?: string;
  readonly traceId?: string;
  /** OAuth `error` (Login), e.g. `invalid_grant`. */
  readonly oauthError?: string;
  /** How long Vipps asked us to wait (429/503 Retry-After), milliseconds. */
  readonly retryAfterMs?: number;
  /** HTTP attempts made, 0 when refused before sending. */
  readonly attempts: number;
}

export class VippsError extends AgentError<VippsErrorCode> {
  readonly operation: string;
  readonly endpoint: string;
  readonly status: number | undefined;
  readonly vippsCode: string | undefined;
  readonly traceId: string | undefined;
  readonly oauthError: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;

  constructor(code: VippsErrorCode, message: string, info: VippsErrorInfo, cause?: unknown) {
    const details: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(info)) if (value !== undefined) details[key] = value;
    super(code, message, { details, ...(cause === undefined ? {} : { cause }) });
    this.operation = info.operation;
    this.endpoint = info.endpoint;
    this.status = info.status;
    this.vippsCode = info.vippsCode;
    this.traceId = info.traceId;
    this.oauthError = info.oauthError;
    this.retryAfterMs = info.retryAfterMs;
    this.attempts = info.attempts;
  }
}

export function isVippsError(
  value: unknown,
  code?: VippsErrorCode | readonly VippsErrorCode[],
): value is VippsError {
  if (!(value instanceof VippsError)) return false;
  if (code === undefined) return true;
  return typeof code === "string" ? value.code === code : code.includes(value.code);
}

/** The Vipps numeric error code of a failed call ("6060"), if Vipps sent one. */
export function vippsErrorCodeOf(value: unknown): string | undefined {
  return isVippsError(value) ? value.vippsCode : undefined;
}

/** True when `value` is a Vipps failure carrying that numeric code, e.g. `hasVippsCode(e, "6060")`. */
export function hasVippsCode(value: unknown, vippsCode: string): boolean {
  return vippsErrorCodeOf(value) === vippsCode;
}

/** The error code for an HTTP status that ended a call. */
export function codeForStatus(status: number): VippsErrorCode {
  if (status === 400) return "VIPPS_BAD_REQUEST";
  if (status === 401) return "VIPPS_UNAUTHORIZED";
  if (status === 403) return "VIPPS_FORBIDDEN";
  if (status === 404) return "VIPPS_NOT_FOUND";
  if (status === 409) return "VIPPS_CONFLICT";
  if (status === 423) return "VIPPS_LOCKED";
  if (status === 429) return "VIPPS_RATE_LIMITED";
  if (status >= 500) return "VIPPS_SERVER_ERROR";
  return "VIPPS_HTTP_ERROR";
}
