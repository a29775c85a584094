import { describe, expect, it } from "vitest";
import { validateRegisterMessage } from "./validate-register.js";
import { validateAgentMessage } from "./validate-agent.js";
import { describeMessage } from "./describe-message.js";

/** Split tender on `pay` (docs/register-protocol.md §7.14), refused before any state is looked at. */

const PAY = { type: "pay", saleId: "S-1030", total: 14000 };
const code = (fields: Record<string, unknown>): string => {
  const checked = validateRegisterMessage({ ...PAY, ...fields });
  return checked.ok ? "accepted" : checked.code;
};

describe("pay with amount and tenders", () => {
  it("accepts a split that adds up, in every kind a Vipps receipt names", () => {
    expect(code({ amount: 9000, tenders: [{ kind: "cash", amount: 5000 }] })).toBe("accepted");
    expect(
      code({
        amount: 100,
        tenders: [
          { kind: "card", amount: 10000 },
          { kind: "giftCard", amount: 2000 },
          { kind: "voucher", amount: 1000 },
          { kind: "cash", amount: 900 },
        ],
      }),
    ).toBe("accepted");
    expect(code({})).toBe("accepted");
  });

  it("refuses an unknown kind with UNKNOWN_TENDER", () => {
    for (const kind of ["cheque", "Cash", "other", ""])
      expect(code({ amount: 9000, tenders: [{ kind, amount: 5000 }] }), kind).toBe("UNKNOWN_TENDER");
  });

  it("refuses a Vipps part above the total with AMOUNT_ABOVE_TOTAL", () => {
    expect(code({ amount: 14001, tenders: [{ kind: "cash", amount: 1 }] })).toBe("AMOUNT_ABOVE_TOTAL");
  });

  it("refuses tenders that do not add up with TENDERS_MISMATCH", () => {
    expect(code({ amount: 9000, tenders: [{ kind: "cash", amount: 4000 }] })).toBe("TENDERS_MISMATCH");
    expect(code({ amount: 9000, tenders: [{ kind: "cash", amount: 5001 }] })).toBe("TENDERS_MISMATCH");
    expect(code({ amount: 9000, tenders: [{ kind: "cash", amount: Number.MAX_SAFE_INTEGER }] })).toBe(
      "TENDERS_MISMATCH",
    );
  });

  it("refuses malformed splits with BAD_FIELD naming the field", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ amount: 9000 }, "tenders"],
      [{ tenders: [{ kind: "cash", amount: 5000 }] }, "amount"],
      [{ amount: 9000, tenders: [] }, "tenders"],
      [{ amount: 9000, tenders: { kind: "cash", amount: 5000 } }, "tenders"],
      [{ amount: "9000", tenders: [{ kind: "cash", amount: 5000 }] }, "amount"],
      [{ amount: -1, tenders: [{ kind: "cash", amount: 14001 }] }, "amount"],
      [{ amount: 9000, tenders: [{ kind: "cash", amount: 0 }] }, "tenders[0].amount"],
      [{ amount: 9000, tenders: [{ kind: "cash", amount: 50.5 }] }, "tenders[0].amount"],
      [{ amount: 9000, tenders: [{ kind: "cash", amount: 5000, note: "x" }] }, "tenders[0]"],
      [{ amount: 9000, tenders: [{ kind: 1, amount: 5000 }] }, "tenders[0].kind"],
      [
        { amount: 3000, tenders: Array.from({ length: 11 }, () => ({ kind: "cash", amount: 1000 })) },
        "tenders",
      ],
    ];
    for (const [fields, path] of cases) {
      const checked = validateRegisterMessage({ ...PAY, ...fields });
      expect(checked, JSON.stringify(fields)).toMatchObject({ ok: false, code: "BAD_FIELD" });
      if (!checked.ok) expect(checked.message.startsWith(`${path}:`), checked.message).toBe(true);
    }
  });

  it("register-monitor's headline names both parts, as docs/register-protocol.md §7.14 shows it", () => {
    expect(describeMessage({ ...PAY, amount: 9000, tenders: [{ kind: "cash", amount: 5000 }] })).toBe(
      "pay S-1030: 140.00, Vipps MobilePay 90.00 + cash 50.00",
    );
    expect(describeMessage(PAY)).toBe("pay S-1030: 140.00");
  });

  it("the agent's totals may carry the day's other tenders, checked the same way", () => {
    const totals = {
      type: "totals",
      date: "2026-03-02",
      from: "2026-03-01T23:00:00.000Z",
      to: "2026-03-02T23:00:00.000Z",
      currency: "NOK",
      sales: { count: 1, captured: { count: 1, total: 9000 }, failed: 0, cancelled: 0 },
      refunds: { count: 0, total: 0 },
      net: 9000,
      vat: [{ rate: 0, gross: 14000, net: 14000, vat: 0 }],
      unfinished: 0,
    };
    expect(validateAgentMessage({ ...totals, tenders: [{ kind: "cash", amount: 5000 }] }).ok).toBe(true);
    expect(validateAgentMessage({ ...totals, tenders: [{ kind: "iou", amount: 5000 }] })).toMatchObject({
      ok: false,
      code: "UNKNOWN_TENDER",
    });
  });
});
