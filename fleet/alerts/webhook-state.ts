import type { FleetStore } from "../store/fleet-store.js";

/**
 * What the last look at Vipps' Webhooks API found for the MSN's check-in registration. Vipps
 * allows one `user.checked-in.v1` registration per sales unit and deletes a registration whose
 * endpoint failed for two weeks
 * (https://developer.vippsmobilepay.com/docs/APIs/webhooks-api/api-guide/): without it no
 * customer's scan reaches any till. Kept in the store, so a restart remembers an open problem.
 */
export interface WebhookCheckState {
  /** ms of the last attempt. */
  readonly checkedAt: number;
  /** `failed`: Vipps did not answer or refused; the last definite answer still stands. */
  readonly result: "present" | "missing" | "failed";
  /** The last definite answer, if any. */
  readonly registered?: boolean;
  /** Since when it has been missing (the first check that found it so). */
  readonly missingSince?: number;
  /** The error code of a failed check (e.g. VIPPS_UNAUTHORIZED), never a secret. */
  readonly error?: string;
}

const KEY = "webhookCheck";

export function readWebhookState(store: FleetStore): WebhookCheckState | undefined {
  const text = store.meta(KEY);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as WebhookCheckState;
  } catch {
    return undefined;
  }
}

export function writeWebhookState(store: FleetStore, state: WebhookCheckState): void {
  store.setMeta(KEY, JSON.stringify(state));
}
