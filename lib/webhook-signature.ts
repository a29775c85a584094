import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Vipps MobilePay webhook signatures (docs/vipps-api.md §5.3, vippsas/webhooks-api
 * request-authentication.md): HMAC-SHA256 over
 * `POST\n<path+query>\n<x-ms-date>;<host>;<base64 sha256(body)>`, keyed with the UTF-8 bytes of
 * the registration's secret *as given* (not base64-decoded). `path+query` and `host` are those of
 * the URL registered at Vipps, not of whatever proxy the request passed through.
 */
export interface SignatureHeaders {
  readonly "x-ms-date": string;
  readonly "x-ms-content-sha256": string;
  readonly authorization: string;
}

const AUTH_PREFIX = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=";

export function contentHash(rawBody: Uint8Array): string {
  return createHash("sha256").update(rawBody).digest("base64");
}

export function stringToSign(registeredUrl: string, xMsDate: string, hash: string): string {
  const url = new URL(registeredUrl);
  return `POST\n${url.pathname}${url.search}\n${xMsDate};${url.host};${hash}`;
}

/** The headers Vipps would send for this body; used by the simulator and by tests. */
export function signWebhook(
  secret: string,
  registeredUrl: string,
  rawBody: Uint8Array,
  xMsDate: string,
): SignatureHeaders {
  const hash = contentHash(rawBody);
  const signature = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(stringToSign(registeredUrl, xMsDate, hash), "utf8")
    .digest("base64");
  return { "x-ms-date": xMsDate, "x-ms-content-sha256": hash, authorization: `${AUTH_PREFIX}${signature}` };
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The indexes of the `secrets` under which the headers prove the body came from Vipps — several
 * secrets are accepted so a registration can be rotated without downtime, and the bridge binds
 * each to its sales unit. Every secret is tried (no early exit: the time taken does not reveal
 * which matched). Any missing header is simply no match.
 */
export function signingSecretIndexes(p: {
  secrets: readonly string[];
  registeredUrl: string;
  rawBody: Uint8Array;
  headers: Partial<Record<keyof SignatureHeaders, string | undefined>>;
}): number[] {
  const date = p.headers["x-ms-date"];
  const claimedHash = p.headers["x-ms-content-sha256"];
  const authorization = p.headers.authorization;
  if (date === undefined || claimedHash === undefined || authorization === undefined) return [];
  if (!constantTimeEqual(contentHash(p.rawBody), claimedHash)) return [];
  const matched: number[] = [];
  p.secrets.forEach((secret, index) => {
    const expected = signWebhook(secret, p.registeredUrl, p.rawBody, date).authorization;
    if (constantTimeEqual(expected, authorization)) matched.push(index);
  });
  return matched;
}

/** True when the headers prove the body came from Vipps under one of `secrets`. */
export function verifyWebhookSignature(p: Parameters<typeof signingSecretIndexes>[0]): boolean {
  return signingSecretIndexes(p).length > 0;
}
