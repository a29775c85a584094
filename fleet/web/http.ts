import type { IncomingMessage, ServerResponse } from "node:http";
import { AgentError } from "../../lib/errors.js";
import type { FleetErrorCode } from "../errors.js";

/**
 * Small HTTP helpers of the fleet's web server. Every answer carries headers that keep the page
 * to itself: no scripts at all, styles only from this origin, no framing, no referrer, no cache
 * (the page shows live money figures).
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string | string[]> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": contentType,
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(body), headers);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): void {
  send(res, status, "text/html; charset=utf-8", html, headers);
}

export function redirect(
  res: ServerResponse,
  location: string,
  headers: Record<string, string | string[]> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(303, { ...SECURITY_HEADERS, location, "content-length": 0, ...headers });
  res.end();
}

/** The JSON error body of the API: the code a script branches on, and a sentence. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: FleetErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: code, message }, headers);
}

/** The client's address: the socket's, or (behind a trusted proxy) the last X-Forwarded-For hop the proxy added. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((h) => h.trim());
    const last = hops.filter((h) => h !== "").pop();
    if (last !== undefined && /^[0-9a-fA-F.:]{2,45}$/.test(last)) return last;
  }
  return req.socket.remoteAddress ?? "unknown";
}

export function cookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** A login form is a few hundred bytes; anything longer is refused before it is buffered. */
const MAX_FORM_BYTES = 4_096;

/** Reads an `application/x-www-form-urlencoded` body. Throws FLEET_BAD_REQUEST when too large or of another type. */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    throw new AgentError<FleetErrorCode>(
      "FLEET_BAD_REQUEST",
      "expected a form (application/x-www-form-urlencoded)",
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new AgentError<FleetErrorCode>("FLEET_BAD_REQUEST", "form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}
