import { randomBytes } from "node:crypto";

/**
 * Member ids: ours when the built-in backend enrolls someone, or the merchant's own when
 * imported. They travel to the register (`member.id`, at most 64 characters), onto receipts
 * and into sale events, so they carry nothing personal.
 */
export const MEMBER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const TIER_MAX = 32;

/** Crockford base32 (no I, L, O, U): easy to read aloud and to type from a receipt. */
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `M` and 10 random base32 characters (50 bits), e.g. `M7K2X9PDQ4A`. */
export function newMemberId(bytes: (n: number) => Buffer = randomBytes): string {
  const random = bytes(10);
  let id = "M";
  for (const byte of random) id += CROCKFORD.charAt(byte % 32);
  return id;
}
