import { randomUUID } from "node:crypto";
import type { Clock } from "../../lib/clock.js";

/**
 * Non-members that `identify` found, waiting for `enroll`: the handle the checkout gets (and
 * journals) is a random id; the phone number stays in this map, in memory only. A handle is
 * good once, and only while the customer token it came from can still pay (15 minutes), so
 * after a restart or a long wait `take` finds nothing and the sale pays without enrolling.
 */
const CANDIDATE_TTL_MS = 15 * 60_000;

export class CandidateBook {
  private readonly entries = new Map<string, { readonly msisdn: string; readonly until: number }>();

  constructor(private readonly clock: Clock) {}

  add(msisdn: string): string {
    this.sweep();
    const handle = `cand-${randomUUID()}`;
    this.entries.set(handle, { msisdn, until: this.clock.monotonic() + CANDIDATE_TTL_MS });
    return handle;
  }

  /** The number behind a handle, removing it; undefined when unknown or expired. */
  take(handle: string): string | undefined {
    const entry = this.entries.get(handle);
    this.entries.delete(handle);
    return entry === undefined || this.clock.monotonic() >= entry.until ? undefined : entry.msisdn;
  }

  get size(): number {
    this.sweep();
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(): void {
    const now = this.clock.monotonic();
    for (const [handle, entry] of this.entries) if (now >= entry.until) this.entries.delete(handle);
  }
}
