/**
 * What the checkout calls (issue 7): identify the customer behind a scan, and enroll a
 * non-member through Vipps Login (CIBA). Both never reject — every failure is a result that
 * lets the sale go on without loyalty. Phone numbers and userinfo stay inside agent/loyalty:
 * the checkout sees member ids, a first name for the display and an opaque candidate handle.
 */
export interface LoyaltyPort {
  /** Exchange the check-in's customer token for the MSISDN (QR API) and look the number up in the backend. Never rejects: failures are results. */
  identify(customerToken: string): Promise<IdentifyResult>;
  /** Merchant-initiated Vipps Login (CIBA) for a non-member found by `identify`, then userinfo → enroll in the backend. Calls onBindingMessage as soon as the login was started (the display shows it). Honour the signal (the checkout aborts when the sale is cancelled or the customer token is about to expire). Never rejects. */
  enroll(
    candidate: EnrollmentCandidate,
    onBindingMessage: (bindingMessage: string) => void,
    signal: AbortSignal,
  ): Promise<EnrollResult>;
}

export type IdentifyResult =
  | { kind: "member"; member: LoyaltyMember }
  | { kind: "not_member"; candidate: EnrollmentCandidate }
  /** Exchange or backend failed: the sale continues without loyalty. `reason` is log-safe. */
  | { kind: "unavailable"; reason: string };

/** `id`: 1–64 characters, `tier`: 1–32 (the register protocol's limits). `displayName`: first name only, for the customer display; no phone numbers. */
export interface LoyaltyMember {
  id: string;
  tier?: string;
  displayName?: string;
}

/** Opaque to the checkout: an in-memory handle; the MSISDN never leaves agent/loyalty (never journalled, never logged). */
export interface EnrollmentCandidate {
  readonly handle: string;
}

export type EnrollResult =
  | { kind: "enrolled"; member: LoyaltyMember }
  | { kind: "declined" }
  | { kind: "expired" }
  | { kind: "old_app" }
  | { kind: "invalid_user" }
  | { kind: "aborted" }
  /** Login, userinfo or the backend failed, or the candidate is unknown (e.g. after a restart). `reason` is log-safe. */
  | { kind: "unavailable"; reason: string };
