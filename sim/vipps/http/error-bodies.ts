import { jsonResponse, newTraceId, type SimResponse } from "./responses.js";

/**
 * Each Vipps MobilePay API has its own error shape (docs/vipps-api.md §1.3); a client that parses one
 * shape for all of them breaks on the real thing, so the simulator answers every error in the
 * shape of the API it belongs to.
 */
export type ApiFamily =
  /** POST /accesstoken/get: OAuth-like body as modelled by the official SDK (the spec has none). */
  | "accesstoken"
  /** QR merchant callback: `QrErrorResponse { type?, title, detail, instance, invalidParams? }`. */
  | "qr"
  /** QR exchange: `{ title, status, detail, extraDetails? }`. */
  | "qr-exchange"
  /** Webhooks: `ProblemDetails`, application/problem+json, no other properties allowed. */
  | "webhooks"
  /** ePayment: RFC 7807 problem+json with `traceId` and `extraDetails`. */
  | "epayment"
  /** Order Management: `ErrorResponse { type, title, detail, instance, invalidParams? }`. */
  | "order-management"
  /** Login / CIBA: OAuth `{ error, error_description }` (+ Vipps `error_code`). */
  | "login"
  /** Userinfo: `UserinfoError` (note: `status` is a string in that spec). */
  | "userinfo"
  /** The simulator's own control API. */
  | "control";

export interface ExtraDetail {
  readonly name: string;
  readonly reason: string;
}

export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** ePayment numeric error code, sent as `extraDetails: [{ name: "ErrorCode", reason }]`. */
  readonly code?: string;
  /** Field-level problems (schema validation). */
  readonly extraDetails?: readonly ExtraDetail[];
  /** OAuth `error` for the login family; derived from the status when absent. */
  readonly oauthError?: string;
  /** Vipps' `error_code` on CIBA errors (`old_app`, `invalid_user`). */
  readonly oauthErrorCode?: string;
  /** Control API error code. */
  readonly controlCode?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function defaultOauthError(status: number): string {
  if (status === 401) return "invalid_client";
  if (status === 429) return "slow_down";
  if (status >= 500) return "server_error";
  return "invalid_request";
}

/** The error response of `family` for a request to `instance` (the request path) at `now` (ms). */
export function errorResponse(
  family: ApiFamily,
  instance: string,
  now: number,
  spec: ErrorSpec,
): SimResponse {
  const headers = { ...spec.headers };
  const extra = [
    ...(spec.extraDetails ?? []),
    ...(spec.code === undefined ? [] : [{ name: "ErrorCode", reason: spec.code }]),
  ];
  switch (family) {
    case "epayment":
      return jsonResponse(
        spec.status,
        {
          type: `https://httpstatuses.io/${spec.status}`,
          title: spec.title,
          detail: spec.detail,
          instance,
          status: spec.status,
          traceId: newTraceId(),
          ...(extra.length > 0 ? { extraDetails: extra } : {}),
        },
        "application/problem+json",
        headers,
      );
    case "webhooks":
      return jsonResponse(
        spec.status,
        {
          type: `https://httpstatuses.io/${spec.status}`,
          title: spec.title,
          status: spec.status,
          detail: spec.detail,
          instance,
          traceId: newTraceId(),
          extraDetails: extra.length > 0 ? extra : null,
        },
        "application/problem+json",
        headers,
      );
    case "qr":
    case "order-management":
      return jsonResponse(
        spec.status,
        {
          type: `https://httpstatuses.io/${spec.status}`,
          title: spec.title,
          detail: spec.detail,
          instance: newTraceId(),
          ...(extra.length > 0 ? { invalidParams: extra } : {}),
        },
        "application/json; charset=utf-8",
        headers,
      );
    case "qr-exchange":
      return jsonResponse(
        spec.status,
        {
          title: spec.title,
          status: spec.status,
          detail: spec.detail,
          ...(extra.length > 0 ? { extraDetails: extra } : {}),
        },
        "application/json; charset=utf-8",
        headers,
      );
    case "accesstoken":
      return jsonResponse(
        spec.status,
        {
          error: defaultOauthError(spec.status),
          error_description: spec.detail,
          error_codes: [],
          timestamp: new Date(now).toISOString(),
          trace_id: newTraceId(),
          correlation_id: newTraceId(),
        },
        "application/json;charset=UTF-8",
        headers,
      );
    case "login":
      return jsonResponse(
        spec.status,
        {
          error: spec.oauthError ?? defaultOauthError(spec.status),
          error_description: spec.detail,
          ...(spec.oauthErrorCode === undefined ? {} : { error_code: spec.oauthErrorCode }),
        },
        "application/json;charset=UTF-8",
        headers,
      );
    case "userinfo":
      return jsonResponse(
        spec.status,
        {
          type: `https://httpstatuses.io/${spec.status}`,
          title: spec.title,
          status: String(spec.status),
          detail: spec.detail,
          instance: newTraceId(),
        },
        "application/json;charset=UTF-8",
        headers,
      );
    case "control":
      return jsonResponse(
        spec.status,
        { error: spec.controlCode ?? "SIM_BAD_REQUEST", message: spec.detail },
        undefined,
        headers,
      );
  }
}

/**
 * The answer to a path that is no endpoint of any API: one RFC 7807 Problem, whatever the
 * prefix (an unknown `/_sim/…` path included), so a client that reads problem+json always gets
 * the same shape — never an API's own error body for a path that API does not have.
 */
export function unknownPathResponse(method: string, path: string): SimResponse {
  return jsonResponse(
    404,
    {
      type: "https://httpstatuses.io/404",
      title: "Not Found",
      status: 404,
      detail: `${method} ${path} is not an endpoint of the simulated Vipps MobilePay APIs.`,
      instance: path,
      traceId: newTraceId(),
    },
    "application/problem+json",
  );
}
