import type { ConsentedClaims } from "./consented-claims.js";
import type { LoyaltyMember } from "./port.js";

/**
 * Where members live: the built-in SQLite table or the merchant's own membership service.
 * Both throw a LoyaltyError on failure (the port turns it into `unavailable`); neither puts
 * the phone number or a claim into an error message.
 */
export interface EnrollRequest {
  /** The number the login was started for (from the customer-token exchange). */
  readonly msisdn: string;
  /** Vipps Login `sub`: stable per sales unit (docs/vipps-api.md §8). */
  readonly sub: string;
  /** Only the claims of the configured scopes. */
  readonly claims: ConsentedClaims;
  /** When the customer approved the login, ms since the epoch. */
  readonly consentedAt: number;
}

export interface MemberBackend {
  /** The member with this MSISDN, or undefined when the number is not a member. */
  lookup(msisdn: string, signal?: AbortSignal): Promise<LoyaltyMember | undefined>;
  /** Makes the customer a member (or updates the existing one) and returns the member. */
  enroll(request: EnrollRequest, signal?: AbortSignal): Promise<LoyaltyMember>;
}
