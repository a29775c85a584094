import { systemRandomBytes, type RandomBytes } from "../../../lib/random-bytes.js";

export interface CustomerTokenRecord {
  readonly customerToken: string;
  readonly msisdn: string;
  /** The sales unit whose QR was scanned; the token is only good for that sales unit. */
  readonly msn: string;
  readonly merchantQrId: string;
  /** Clock ms. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type CustomerTokenCheck =
  | { readonly kind: "valid"; readonly record: CustomerTokenRecord }
  | { readonly kind: "expired" | "unknown" | "other-sales-unit" };

/**
 * Customer tokens minted when a simulated customer scans a merchant callback QR (docs/vipps-api.md §4):
 * opaque base64, valid 15 minutes by default. Whether Vipps makes them single-use is not
 * documented, so here they are reusable until they expire.
 */
export class CustomerTokenStore {
  private readonly tokens = new Map<string, CustomerTokenRecord>();

  constructor(
    private readonly ttlMs: number,
    private readonly bytes: RandomBytes = systemRandomBytes,
  ) {}

  mint(msisdn: string, msn: string, merchantQrId: string, now: number): CustomerTokenRecord {
    for (const [key, record] of this.tokens)
      if (now >= record.expiresAt + 86_400_000) this.tokens.delete(key);
    const record: CustomerTokenRecord = {
      customerToken: this.bytes(45).toString("base64"),
      msisdn,
      msn,
      merchantQrId,
      issuedAt: now,
      expiresAt: now + this.ttlMs,
    };
    this.tokens.set(record.customerToken, record);
    return record;
  }

  check(customerToken: string, msn: string, now: number): CustomerTokenCheck {
    const record = this.tokens.get(customerToken);
    if (record === undefined) return { kind: "unknown" };
    if (record.msn !== msn) return { kind: "other-sales-unit" };
    if (now >= record.expiresAt) return { kind: "expired" };
    return { kind: "valid", record };
  }
}
