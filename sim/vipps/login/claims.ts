import type { CustomerProfile } from "../options.js";

/**
 * Userinfo claims per consented scope (docs/vipps-api.md §8 step 5; userinfo.yaml `Userinfo`). Only
 * what the user consented to is returned; `sub` always.
 */
export function userinfoClaims(
  scopes: readonly string[],
  p: {
    readonly sub: string;
    readonly msisdn: string;
    readonly profile: CustomerProfile;
    readonly sid?: string;
    readonly consentedAt: string;
  },
): Record<string, unknown> {
  const { profile } = p;
  const claims: Record<string, unknown> = { sub: p.sub };
  if (p.sid !== undefined) claims.sid = p.sid;
  const has = (s: string): boolean => scopes.includes(s);
  if (has("name")) {
    claims.name = `${profile.givenName} ${profile.familyName}`;
    claims.given_name = profile.givenName;
    claims.family_name = profile.familyName;
  }
  if (has("phoneNumber")) claims.phone_number = p.msisdn;
  if (has("email")) {
    claims.email = profile.email;
    claims.email_verified = true;
  }
  if (has("address")) {
    claims.address = {
      address_type: "home",
      country: profile.country,
      default: true,
      formatted: `${profile.streetAddress}\n${profile.postalCode}\n${profile.region}\n${profile.country}`,
      postal_code: profile.postalCode,
      region: profile.region,
      street_address: profile.streetAddress,
    };
    claims.other_addresses = [];
  }
  if (has("birthDate")) claims.birthdate = profile.birthdate;
  if (has("nin")) claims.nin = profile.nin;
  if (has("delegatedConsents")) {
    claims.delegatedConsents = {
      language: "en",
      heading: "Join the customer club",
      text: "Get member prices and offers.",
      timeOfConsent: p.consentedAt,
      consents: [
        { id: "marketing-email", accepted: true, required: false, textDisplayedToUser: "Offers by email" },
      ],
    };
  }
  return claims;
}
