import type { Clock } from "../../lib/clock.js";
import type { EnrollRequest, MemberBackend } from "./backend.js";
import { displayNameOf } from "./consented-claims.js";
import type { MemberStore, StoredMember } from "./member-store.js";
import type { LoyaltyMember } from "./port.js";

/** The members table in the agent's own SQLite store (loyalty.backend = builtin). */
function memberOf(m: StoredMember): LoyaltyMember {
  return {
    id: m.memberId,
    ...(m.tier === undefined ? {} : { tier: m.tier }),
    ...(m.displayName === undefined ? {} : { displayName: m.displayName }),
  };
}

/** SQLite is synchronous: its result (or what it threw) is handed over as a settled promise. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(work()));
}

export function builtinBackend(store: MemberStore, clock: Clock): MemberBackend {
  return {
    lookup: (msisdn) =>
      settle(() => {
        const found = store.findByMsisdn(msisdn);
        if (found === undefined) return undefined;
        store.markSeen(found.memberId, clock.now());
        return memberOf(found);
      }),
    enroll: (request: EnrollRequest) =>
      settle(() => {
        const displayName = displayNameOf(request.claims);
        return memberOf(
          store.enroll({
            ...request,
            ...(displayName === undefined ? {} : { displayName }),
            now: clock.now(),
          }),
        );
      }),
  };
}
