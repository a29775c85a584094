import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";

/**
 * Signs Login `id_token`s as an ES256 JWS (the algorithm Vipps' own examples show) with a key
 * made when the simulator starts, published at the JWKS endpoint so clients can verify them.
 */
export class IdTokenSigner {
  readonly kid = `public:${randomUUID()}`;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;

  constructor() {
    const pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return {
      keys: [{ ...this.publicKey.export({ format: "jwk" }), kid: this.kid, use: "sig", alg: "ES256" }],
    };
  }

  sign(claims: Record<string, unknown>): string {
    const part = (v: unknown): string => Buffer.from(JSON.stringify(v), "utf8").toString("base64url");
    const input = `${part({ kid: this.kid, alg: "ES256", typ: "JWT" })}.${part(claims)}`;
    const signature = sign("sha256", Buffer.from(input, "utf8"), {
      key: this.privateKey,
      dsaEncoding: "ieee-p1363",
    });
    return `${input}.${signature.toString("base64url")}`;
  }
}
