import { describe, expect, it } from "vitest";
import { formatAmount, formatMinorUnits } from "./index.js";

describe("formatAmount", () => {
  it("formats per market", () => {
    expect(formatAmount({ currency: "NOK", value: 123_450 }, "nb")).toBe("kr 1 234,50");
    expect(formatAmount({ currency: "DKK", value: 123_450 }, "da")).toBe("1.234,50 kr.");
    expect(formatAmount({ currency: "EUR", value: 123_450 }, "fi")).toBe("1 234,50 €");
    expect(formatAmount({ currency: "NOK", value: 123_450 }, "en")).toBe("NOK 1,234.50");
    expect(formatAmount({ currency: "EUR", value: 123_450 }, "en")).toBe("€1,234.50");
    expect(formatAmount({ currency: "NOK", value: 5 }, "nb")).toBe("kr 0,05");
    expect(formatAmount({ currency: "NOK", value: 65_000_000 }, "nb")).toBe("kr 650 000,00");
    expect(formatAmount({ currency: "DKK", value: 123_456_789 }, "da")).toBe("1.234.567,89 kr.");
    expect(formatMinorUnits(-500, "NOK", "nb")).toBe("-5,00");
  });
});
