import { randomBytes } from "node:crypto";

/** What a route handler answers; the server writes it (or drops the connection instead). */
export interface SimResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** A handler result that either carries a value or the response that ends the request. */
export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly response: SimResponse };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T>(response: SimResponse): Outcome<T> => ({ ok: false, response });

export function jsonResponse(
  status: number,
  value: unknown,
  contentType = "application/json; charset=utf-8",
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers: { "content-type": contentType, ...headers },
    body: Buffer.from(JSON.stringify(value), "utf8"),
  };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: Buffer.alloc(0) };
}

export function bytesResponse(
  status: number,
  body: Buffer,
  contentType: string,
  headers: Record<string, string> = {},
): SimResponse {
  return { status, headers: { "content-type": contentType, ...headers }, body };
}

/** A W3C trace-context style id, the shape Vipps puts in `traceId`. */
export function newTraceId(): string {
  return `00-${randomBytes(16).toString("hex")}-${randomBytes(8).toString("hex")}-01`;
}
