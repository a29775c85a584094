import { systemRandomBytes, type RandomBytes } from "../../../lib/random-bytes.js";
import type { SalesUnit } from "../options.js";

export interface IssuedToken {
  readonly accessToken: string;
  readonly unit: SalesUnit;
  /** Clock ms. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export type TokenCheck =
  | { readonly kind: "valid"; readonly token: IssuedToken }
  | { readonly kind: "expired" }
  | { readonly kind: "unknown" };

/**
 * Access tokens from `POST /accesstoken/get`. Several valid tokens may coexist for one sales
 * unit (docs/vipps-api.md §2). A token is opaque base64 (the spec's `format: byte`), not a JWT a client
 * could read an expiry from: clients must use `expires_in`.
 */
export class AccessTokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly bytes: RandomBytes = systemRandomBytes,
  ) {}

  issue(unit: SalesUnit, now: number): IssuedToken {
    this.prune(now);
    const token: IssuedToken = {
      accessToken: this.bytes(96).toString("base64"),
      unit,
      issuedAt: now,
      expiresAt: now + this.ttlSeconds * 1000,
    };
    this.tokens.set(token.accessToken, token);
    return token;
  }

  check(accessToken: string, now: number): TokenCheck {
    const token = this.tokens.get(accessToken);
    if (token === undefined) return { kind: "unknown" };
    if (now >= token.expiresAt) return { kind: "expired" };
    return { kind: "valid", token };
  }

  /** Expired tokens are remembered for a day so an expired one answers "expired", not "unknown". */
  private prune(now: number): void {
    for (const [key, token] of this.tokens) if (now >= token.expiresAt + 86_400_000) this.tokens.delete(key);
  }
}
