import { describe, expect, it } from "vitest";
import { identificationOf } from "./identification.js";

describe("checkout.identification: auto", () => {
  it("uses the till's QR only while the link is up and a bridge says online", () => {
    const current = (linkUp: boolean, bridges: string[]): string =>
      identificationOf("auto", linkUp, bridges).current;
    expect([current(true, ["a"]), current(true, []), current(false, ["a"]), current(false, [])]).toEqual([
      "callback",
      "per-sale",
      "per-sale",
      "per-sale",
    ]);
    expect(identificationOf("auto", true, []).reason).toMatch(/no bridge is online/);
    expect(identificationOf("auto", true, ["a", "b"]).reason).toMatch(/bridge a, b online/);
  });

  it("leaves a fixed setting alone", () => {
    expect(identificationOf("callback", false, []).current).toBe("callback");
    expect(identificationOf("per-sale", true, ["a"]).current).toBe("per-sale");
  });
});
