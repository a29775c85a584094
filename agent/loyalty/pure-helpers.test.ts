import { describe, expect, it } from "vitest";
import { BINDING_ALPHABET, BINDING_MESSAGE_PATTERN, bindingMessage } from "./binding-message.js";
import { consentedClaims, displayNameOf } from "./consented-claims.js";
import { isLoyaltyError } from "./errors.js";
import { MEMBER_ID_PATTERN, newMemberId } from "./member-id.js";
import { normalizeMsisdn } from "./msisdn.js";

describe("binding messages", () => {
  it("match Vipps' pattern and use no look-alike characters", () => {
    for (let i = 0; i < 500; i++) {
      const message = bindingMessage();
      expect(message).toMatch(BINDING_MESSAGE_PATTERN);
      expect(message).toMatch(/^[A-Z0-9]{3}-[A-Z0-9]{3}$/);
      expect(message).not.toMatch(/[0O1IL2Z5S6G8BDQUV]/);
    }
    expect(bindingMessage(() => 0)).toBe("AAA-AAA");
    expect(bindingMessage((n) => n - 1)).toBe("999-999");
    expect(BINDING_ALPHABET).toHaveLength(new Set(BINDING_ALPHABET).size);
  });
});

describe("normalizeMsisdn", () => {
  it("accepts what people type and returns country code + number, digits only", () => {
    expect(normalizeMsisdn("4791234567")).toBe("4791234567");
    expect(normalizeMsisdn(" +47 912 34 567 ")).toBe("4791234567");
    expect(normalizeMsisdn("0047-912.34.567")).toBe("4791234567");
    expect(normalizeMsisdn("+45 (40) 11 22 33")).toBe("4540112233");
    expect(normalizeMsisdn("+358401234567")).toBe("358401234567");
  });

  it("refuses numbers without a country code or with letters, without repeating them", () => {
    for (const bad of ["91234567", "47912345x7", "", "+", "1234567890123456"]) {
      let thrown: unknown;
      try {
        normalizeMsisdn(bad);
      } catch (error) {
        thrown = error;
      }
      expect(isLoyaltyError(thrown, "LOYALTY_INVALID_MSISDN")).toBe(true);
      if (bad !== "" && bad !== "+") expect((thrown as Error).message).not.toContain(bad);
    }
  });
});

describe("consented claims", () => {
  const userinfo = {
    sub: "sub-1",
    sid: "session",
    name: "Kari Nordmann",
    given_name: "Kari",
    family_name: "Nordmann",
    phone_number: "4791234567",
    email: "kari@example.com",
    email_verified: true,
    birthdate: "1980-01-02",
    address: { street_address: "Gata 1", postal_code: "0150" },
  };

  it("keeps only the claims of the configured scopes, never sub or sid", () => {
    expect(consentedClaims(userinfo, ["openid", "name"])).toEqual({
      name: "Kari Nordmann",
      given_name: "Kari",
      family_name: "Nordmann",
    });
    expect(consentedClaims(userinfo, ["openid", "phoneNumber", "email"])).toEqual({
      phone_number: "4791234567",
      email: "kari@example.com",
      email_verified: true,
    });
    expect(consentedClaims(userinfo, ["openid"])).toEqual({});
    expect(consentedClaims({ sub: "s" }, ["name", "address", "birthDate", "delegatedConsents"])).toEqual({});
  });

  it("shows the first name only, cleaned and short", () => {
    expect(displayNameOf({ name: "Kari Nordmann", given_name: "Kari" })).toBe("Kari");
    expect(displayNameOf({ name: "Kari Nordmann" })).toBeUndefined();
    expect(displayNameOf({ given_name: " Å\u001b[2Jse " })).toBe("Å[2Jse");
    expect(displayNameOf({ given_name: "Æ".repeat(40) })).toBe("Æ".repeat(32));
    expect(displayNameOf({ given_name: "   " })).toBeUndefined();
  });
});

describe("member ids", () => {
  it("are M and ten Crockford base32 characters, fit for the register", () => {
    const ids = new Set(Array.from({ length: 200 }, () => newMemberId()));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toMatch(/^M[0-9A-HJKMNP-TV-Z]{10}$/);
      expect(id).toMatch(MEMBER_ID_PATTERN);
    }
  });
});
