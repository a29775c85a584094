import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashes for the fleet's users file: scrypt (RFC 7914) through node:crypto, stored as
 * `scrypt$N$r$p$<salt>$<hash>` (base64url), so stronger parameters can be introduced later
 * without invalidating old lines. The default N=2^15, r=8, p=3 is one of OWASP's equivalent
 * scrypt settings (Password Storage Cheat Sheet) at 32 MiB per verification; the service lets
 * only a few verifications run at once and rate-limits failures (web/rate-limit.ts).
 */
export const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 3 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Bounds for stored parameters, so a users file cannot make one login cost gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export interface PasswordHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node's default limit (32 MiB) is exactly the default's need.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    ),
  );
}

/** A new `scrypt$…` string for `password`, with a fresh random salt. */
export async function hashPassword(
  password: string,
  params: { readonly N: number; readonly r: number; readonly p: number } = SCRYPT_DEFAULTS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params.N, params.r, params.p);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

/** Parses a `scrypt$…` string; undefined when it is not one (or its parameters are out of bounds). */
export function parsePasswordHash(text: string): PasswordHash | undefined {
  const match = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{16,88})\$([A-Za-z0-9_-]{43})$/.exec(
    text,
  );
  if (match === null) return undefined;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const powerOfTwo = N >= 2 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return undefined;
  const hash = Buffer.from(match[5] ?? "", "base64url");
  if (hash.length !== KEY_BYTES) return undefined;
  return { N, r, p, salt: Buffer.from(match[4] ?? "", "base64url"), hash };
}

/** Constant-time comparison of the derived key with the stored one. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const key = await derive(password, stored.salt, stored.N, stored.r, stored.p);
  return timingSafeEqual(key, stored.hash);
}
