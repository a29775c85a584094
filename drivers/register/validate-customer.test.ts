import { describe, expect, it } from "vitest";
import { validateRegisterMessage } from "./validate-register.js";

const pay = (customer: unknown): Record<string, unknown> => ({
  v: 1,
  seq: 3,
  type: "pay",
  saleId: "S-1",
  total: 9400,
  customer,
});

const codeOf = (customer: unknown): string | undefined => {
  const result = validateRegisterMessage(pay(customer));
  return result.ok ? undefined : result.code;
};

describe("pay naming its customer (extension)", () => {
  it("accepts a personal QR of 5–255 characters byte for byte, and a Norwegian mobile MSISDN", () => {
    const qr = "https://qr.vipps.no/28/2/01/031/4791234567?v=1";
    const result = validateRegisterMessage(pay({ personalQr: qr }));
    expect(result.ok && result.message).toMatchObject({ customer: { personalQr: qr } });
    for (const personalQr of ["abcde", "x".repeat(255), "ø".repeat(255), " padded "])
      expect(codeOf({ personalQr })).toBeUndefined();
    for (const phoneNumber of ["4791234567", "4741234567"]) expect(codeOf({ phoneNumber })).toBeUndefined();
    expect(codeOf(undefined)).toBeUndefined();
  });

  it("refuses a bad personal QR with BAD_PERSONAL_QR", () => {
    for (const personalQr of [
      "abcd",
      "x".repeat(256),
      "ok-but\nnewline",
      "bell\u0007",
      "c1\u0085x",
      12345,
      "",
    ])
      expect(codeOf({ personalQr }), JSON.stringify(personalQr)).toBe("BAD_PERSONAL_QR");
  });

  it("refuses a malformed number with BAD_PHONE_NUMBER", () => {
    for (const phoneNumber of [
      "+4791234567",
      "91234567",
      "47 91 23 45 67",
      "4791234567890123",
      4791234567,
      "",
    ])
      expect(codeOf({ phoneNumber }), JSON.stringify(phoneNumber)).toBe("BAD_PHONE_NUMBER");
  });

  it("refuses a well-formed number that is not a Norwegian mobile with PHONE_NOT_SUPPORTED", () => {
    // Denmark, Finland, Sweden, a Norwegian landline (2…), a Norwegian number one digit short of 8.
    for (const phoneNumber of ["4512345678", "358401234567", "46701234567", "4722345678", "479123456"])
      expect(codeOf({ phoneNumber }), phoneNumber).toBe(
        phoneNumber === "479123456" ? "BAD_PHONE_NUMBER" : "PHONE_NOT_SUPPORTED",
      );
  });

  it("refuses both at once, neither, extra keys, or a non-object with BAD_FIELD", () => {
    for (const customer of [
      { personalQr: "abcdef", phoneNumber: "4791234567" },
      {},
      { phoneNumber: "4791234567", name: "Kari" },
      "4791234567",
      null,
      [],
    ])
      expect(codeOf(customer), JSON.stringify(customer)).toBe("BAD_FIELD");
  });
});
