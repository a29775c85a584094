import { afterEach, describe, expect, it } from "vitest";
import { HOLD_ACTION_MARGIN_MS } from "../checkout/hold.js";
import { SETTINGS } from "../checkout/testing/harness.js";
import { openMemoryTillJournal, vatLine, type TillJournal } from "../../test/helpers/till-journal.js";

/**
 * The hold sweep over a real SQLite journal and the runner, on a manual clock: a held sale is
 * warned once before its deadline (the register hears HOLD_EXPIRING) and released at it — the
 * default action — without anyone at the register.
 */
const DAY = 86_400_000;
const START = Date.UTC(2026, 2, 2, 8);

describe("hold sweep", () => {
  let till: TillJournal | undefined;
  afterEach(async () => {
    await till?.close();
  });

  it("warns once, holdWarnMs before acting, then releases at the deadline Vipps gave (captureGuaranteedUntil)", async () => {
    till = openMemoryTillJournal(START);
    // A short guarantee keeps the minute-by-minute clock short; the periods per market are unit-tested.
    const reference = await till.held("H1", [vatLine("fuel", 10_000, 2500)], 3 * DAY);
    const actAt = till.clock.now() + 3 * DAY - HOLD_ACTION_MARGIN_MS;
    const expiring = () => till?.register.updates.filter((u) => u.reason === "HOLD_EXPIRING") ?? [];
    const cancels = () =>
      till?.payments.calls.filter((c) => c.op === "cancel" && c.reference === reference) ?? [];

    // A minute before the warning: nothing.
    till.advance(actAt - SETTINGS.holdWarnMs - 60_000 - till.clock.now());
    await settle();
    expect(expiring()).toEqual([]);
    // The sweep runs every minute: the warning comes, once.
    till.advance(2 * 60_000);
    await settle();
    expect(expiring()).toHaveLength(1);
    expect(expiring()[0]).toMatchObject({ saleId: "H1", state: "held", authorizedAmount: 10_000 });
    till.advance(10 * 60_000);
    await settle();
    expect(expiring()).toHaveLength(1);
    expect(cancels()).toEqual([]);

    // At the deadline: released, the register hears cancelled (durably).
    till.advance(actAt - till.clock.now() + 60_000);
    await settle();
    expect(cancels()).toHaveLength(1);
    expect(cancels()[0]?.key).toBe(`${reference}-release`);
    expect(till.payments.calls.filter((c) => c.op === "capture")).toEqual([]);
    expect(till.register.finals.find((f) => f.saleId === "H1")).toMatchObject({
      state: "cancelled",
      final: true,
    });
  });
});

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
