import type { SimResponse } from "../http/responses.js";

/**
 * Idempotency-Key memory per sales unit (docs/vipps-api.md §1.4). An answer is bound to its key: the
 * same key with the same operation and body gets the stored answer again, with no second
 * operation; the same key with another body, or for another operation, is a conflict (409).
 * 4xx answers are bound too ("after fixing a rejected request, use a new key").
 */
export type IdempotencyLookup =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly response: SimResponse }
  | { readonly kind: "conflict"; readonly sameOperation: boolean };

interface Stored {
  readonly operation: string;
  readonly fingerprint: string;
  readonly response: SimResponse;
}

/** A canonical form of a JSON value (object keys sorted), so whitespace and key order do not matter. */
export function fingerprint(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(canonical(value)) ?? "";
}

export class IdempotencyStore {
  private readonly answers = new Map<string, Stored>();

  /** `operation` names what the key is for, e.g. `capture:<reference>`. */
  lookup(msn: string, key: string, operation: string, print: string): IdempotencyLookup {
    const stored = this.answers.get(`${msn}\n${key}`);
    if (stored === undefined) return { kind: "new" };
    if (stored.operation !== operation) return { kind: "conflict", sameOperation: false };
    if (stored.fingerprint !== print) return { kind: "conflict", sameOperation: true };
    return { kind: "replay", response: stored.response };
  }

  remember(msn: string, key: string, operation: string, print: string, response: SimResponse): void {
    this.answers.set(`${msn}\n${key}`, { operation, fingerprint: print, response });
  }
}
