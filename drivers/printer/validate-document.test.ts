import { describe, expect, it } from "vitest";
import { saleReceipt } from "../../test/helpers/receipt-fixtures.js";
import type { EndOfDayReport, PrintDocument } from "./document.js";
import { validateDocument } from "./validate-document.js";

/** The refusal's field, or undefined when the document is accepted. */
function refusedField(doc: unknown): string | undefined {
  try {
    validateDocument(doc as PrintDocument);
    return undefined;
  } catch (error) {
    expect(error).toMatchObject({ code: "PRINTER_BAD_DOCUMENT" });
    return (error as { details?: { field?: string } }).details?.field;
  }
}

const endOfDay = (otherTenders: unknown): EndOfDayReport =>
  ({
    kind: "end_of_day",
    language: "nb",
    header: ["Kaffebaren"],
    till: "kasse1",
    currency: "NOK",
    time: 2_000,
    from: 0,
    to: 1_000,
    sales: { count: 1, total: 5_000 },
    refunds: { count: 0, total: 0 },
    vat: [],
    otherTenders,
  }) as EndOfDayReport;

describe("validateDocument: split tender (the other tenders a register declared)", () => {
  it("accepts a sale whose other tenders leave a part for the payment, and a day's tender totals", () => {
    expect(refusedField(saleReceipt({ tenders: [{ kind: "cash", amount: 5_000 }] }))).toBeUndefined();
    expect(
      refusedField(
        saleReceipt({
          tenders: [
            { kind: "card", amount: 1 },
            { kind: "giftCard", amount: 2 },
            { kind: "voucher", amount: 3 },
          ],
        }),
      ),
    ).toBeUndefined();
    expect(refusedField(endOfDay([{ kind: "cash", amount: 9_999_999 }]))).toBeUndefined();
  });

  it.each([
    ["an unknown kind", [{ kind: "cheque", amount: 100 }], "tenders[0].kind"],
    ["a kind in the wrong case", [{ kind: "Cash", amount: 100 }], "tenders[0].kind"],
    ["an amount of 0", [{ kind: "cash", amount: 0 }], "tenders[0].amount"],
    ["a negative amount", [{ kind: "cash", amount: -1 }], "tenders[0].amount"],
    ["a fraction", [{ kind: "cash", amount: 1.5 }], "tenders[0].amount"],
    ["an amount as text", [{ kind: "cash", amount: "100" }], "tenders[1].amount"],
    ["no tenders at all", [], "tenders"],
    ["more than 10", Array.from({ length: 11 }, () => ({ kind: "cash", amount: 1 })), "tenders"],
    ["not a list", { kind: "cash", amount: 1 }, "tenders"],
    ["the whole total (nothing left for the payment)", [{ kind: "cash", amount: 14_115 }], "tenders"],
    [
      "more than the total together",
      [
        { kind: "cash", amount: 10_000 },
        { kind: "card", amount: 5_000 },
      ],
      "tenders",
    ],
  ])("refuses a sale receipt with %s", (_, tenders, field) => {
    const list =
      field === "tenders[1].amount" ? [{ kind: "cash", amount: 1 }, ...(tenders as unknown[])] : tenders;
    expect(refusedField({ ...saleReceipt(), tenders: list })).toBe(field);
  });

  it("refuses bad tenders on the end-of-day report, where no total bounds them", () => {
    expect(refusedField(endOfDay([{ kind: "bitcoin", amount: 1 }]))).toBe("otherTenders[0].kind");
    expect(refusedField(endOfDay([{ kind: "cash", amount: 0 }]))).toBe("otherTenders[0].amount");
    expect(refusedField(endOfDay([]))).toBe("otherTenders");
  });
});
