import type { Config } from "../../config/schema.js";
import type { Userinfo } from "../vipps/index.js";

/**
 * The userinfo claims we keep for a member: only those the configured scopes asked for
 * (docs/vipps-api.md §8 step 5), whatever else userinfo returned. `sub` is kept separately (the Login
 * key, stable per sales unit); `sid` (a session id) is never kept.
 */
export type LoyaltyScope = Config["loyalty"]["scopes"][number];

const CLAIMS_OF_SCOPE: Readonly<Record<LoyaltyScope, readonly (keyof Userinfo)[]>> = {
  openid: [],
  name: ["name", "given_name", "family_name"],
  phoneNumber: ["phone_number"],
  email: ["email", "email_verified"],
  address: ["address", "other_addresses"],
  birthDate: ["birthdate"],
  delegatedConsents: ["delegatedConsents"],
};

/** A JSON object of consented claims; personal data — never logged. */
export type ConsentedClaims = Readonly<Record<string, unknown>>;

export function consentedClaims(userinfo: Userinfo, scopes: readonly LoyaltyScope[]): ConsentedClaims {
  const kept: Record<string, unknown> = {};
  for (const scope of new Set(scopes)) {
    for (const claim of CLAIMS_OF_SCOPE[scope]) {
      const value = userinfo[claim];
      if (value !== undefined) kept[claim] = value;
    }
  }
  return kept;
}

/** Longest first name shown on the customer display. */
export const DISPLAY_NAME_MAX = 32;

/**
 * The first name for the customer display ("Welcome, Kari"), from `given_name` only: never the
 * full name, never a phone number. Control characters are dropped.
 */
export function displayNameOf(claims: ConsentedClaims): string | undefined {
  const given = claims.given_name;
  if (typeof given !== "string") return undefined;
  const clean = given.replace(/\p{Cc}/gu, "").trim();
  if (clean === "") return undefined;
  return [...clean].slice(0, DISPLAY_NAME_MAX).join("");
}
