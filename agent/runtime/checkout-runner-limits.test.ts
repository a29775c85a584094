import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { silentLogger } from "../../lib/log.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase, type Db } from "../store/database.js";
import { Journal } from "../journal/journal.js";
import { basket, SETTINGS } from "../checkout/testing/harness.js";
import { answered } from "./testing/answered.js";
import { CheckoutRunner, type OpenBasketLimits } from "./checkout-runner.js";
import {
  RecordingLights,
  RecordingReceipts,
  RecordingRegister,
  RecordingSaleEvents,
  RecordingScreen,
  ScriptedPayments,
} from "./testing/fakes.js";

const QR = "https://qr.vipps.no/28/2/01/031/4712345678";
const HOUR = 3_600_000;

/**
 * What bounds the till's state (issue 21 items 5 and 13), with the real SQLite journal: open
 * baskets are capped, aged out and kept out of memory; a scan kept for `pay` survives a restart;
 * a sale waiting for a scan ends; nothing is journalled once the runner stops.
 */
describe("CheckoutRunner: open baskets, held scans and waits are bounded", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let clock: ManualClock;
  let payments: ScriptedPayments;
  let register: RecordingRegister;
  let screen: RecordingScreen;

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, "journal.db"));
    clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
    payments = new ScriptedPayments();
    register = new RecordingRegister();
    screen = new RecordingScreen();
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  function runner(basketLimits: OpenBasketLimits = { maxOpen: 100, maxAgeMs: 24 * HOUR }): CheckoutRunner {
    const r = new CheckoutRunner({
      settings: SETTINGS,
      basketLimits,
      journal: new Journal(db),
      payments,
      register,
      receipts: new RecordingReceipts(),
      screen,
      lights: new RecordingLights(),
      saleEvents: new RecordingSaleEvents(),
      clock,
      logger: silentLogger(),
      qrContent: QR,
    });
    r.start();
    return r;
  }
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  const dropped = () => register.finals.filter((f) => f.reason === "BASKET_DROPPED").map((f) => f.saleId);

  it("keeps open baskets in the journal, not in memory; the register's next command loads one", () => {
    const r = runner();
    for (const id of ["S1", "S2", "S3"])
      answered(r.handleRegisterCommand({ type: "basket", basket: basket(id) }));
    expect(r.state.sales).toEqual({});
    expect(answered(r.handleRegisterCommand({ type: "pay", saleId: "S2", total: 4900 }))).toEqual({
      ok: true,
    });
    expect(Object.keys(r.state.sales)).toEqual(["S2"]);
    expect(r.statusOf("S3")).toMatchObject({ state: "open" });
  });

  it("beyond the cap drops the basket touched longest ago, right after the new basket's ack, and tells the register", async () => {
    const r = runner({ maxOpen: 2, maxAgeMs: 24 * HOUR });
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    clock.advance(1_000);
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S2") }));
    clock.advance(1_000);
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") })); // S1 touched again
    clock.advance(1_000);
    expect(answered(r.handleRegisterCommand({ type: "basket", basket: basket("S3") }))).toEqual({ ok: true });
    await settle();
    expect(dropped()).toEqual([]); // not before the ack
    clock.advance(0);
    await settle();
    expect(dropped()).toEqual(["S2"]);
    expect(r.counters).toMatchObject({ basketsDropped: 1, cancelled: 0 });
    expect(answered(r.handleRegisterCommand({ type: "pay", saleId: "S2", total: 4900 }))).toMatchObject({
      ok: false,
      code: "SALE_FINISHED",
    });
    expect(answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }))).toEqual({
      ok: true,
    });
  });

  it("a command refused for a settled sale leaves it in the journal, not in memory (found by the simulation, issue 17)", async () => {
    const r = runner();
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    const reference = payments.calls[0]?.reference ?? "";
    r.handle({
      type: "payment_event",
      event: {
        reference,
        name: "AUTHORIZED",
        pspReference: "p",
        amount: { currency: "NOK", value: 4900 },
        success: true,
      },
    });
    await settle();
    r.receiptStarting("S1");
    r.receiptFinished("S1", true);
    await settle();
    expect(register.finals).toMatchObject([{ saleId: "S1", state: "captured" }]);
    expect(r.state.sales).toEqual({}); // captured, told, printed: settled
    // The cashier's cancel arrives late (the register was unplugged while the capture ran).
    expect(answered(r.handleRegisterCommand({ type: "cancel", saleId: "S1" }))).toMatchObject({
      ok: false,
      code: "CANCEL_TOO_LATE",
    });
    expect(r.state.sales).toEqual({});
    expect(answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }))).toMatchObject({
      ok: false,
    });
    expect(r.state.sales).toEqual({});
    expect(new Journal(db).getSale("S1")?.phase).toMatchObject({
      kind: "final",
      outcome: { state: "captured" },
    });
  });

  it("drops an open basket the register has not touched for the maximum age", async () => {
    answered(
      runner({ maxOpen: 100, maxAgeMs: HOUR }).handleRegisterCommand({
        type: "basket",
        basket: basket("S1"),
      }),
    );
    clock.advance(HOUR);
    await settle();
    expect(dropped()).toEqual([]);
    clock.advance(60_000); // the next sweep
    await settle();
    expect(dropped()).toEqual(["S1"]);
  });

  it("never drops the basket being paid", async () => {
    const r = runner({ maxOpen: 1, maxAgeMs: HOUR });
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S2") }));
    clock.advance(2 * HOUR);
    await settle();
    expect(dropped()).toEqual(["S2"]);
    expect(r.state.sales.S1?.phase.kind).not.toBe("final");
  });

  it("a first start on a journal piled with open baskets drops all beyond the cap, before it serves", () => {
    const big = runner({ maxOpen: 10_000, maxAgeMs: 24 * HOUR });
    // One SQLite transaction around them all: seeding without 1,200 fsyncs.
    db.transaction(() => {
      for (let n = 0; n < 1_200; n++)
        answered(big.handleRegisterCommand({ type: "basket", basket: basket(`B${n}`) }));
    })();
    register.isUp = false; // nothing delivered yet: the messages wait in the journal
    const restarted = runner({ maxOpen: 100, maxAgeMs: 24 * HOUR });
    const journal = new Journal(db);
    expect(journal.openBasketsBeyond(100, 0, 10_000)).toEqual([]);
    expect(journal.pendingRegisterMessages()).toHaveLength(1_100);
    expect(journal.getSale("B0")?.phase).toMatchObject({ outcome: { reason: "BASKET_DROPPED" } });
    expect(journal.getSale("B1199")?.phase.kind).toBe("open");
    expect(restarted.counters.basketsDropped).toBe(1_100);
    expect(restarted.state.sales).toEqual({});
  });

  it("a scan kept for pay survives a restart (journalled before the MQTT link acknowledges it)", async () => {
    const first = runner();
    answered(first.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    first.handle({
      type: "checkin",
      checkIn: { customerToken: "before-the-crash", initiatedAt: clock.now() },
    });
    clock.advance(1_000);
    const second = runner(); // the agent was killed and started again on the same journal
    expect(answered(second.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }))).toEqual({
      ok: true,
    });
    await settle();
    expect(payments.calls.map((c) => c.op)).toEqual(["create"]);
    expect(second.state.held).toBeUndefined();
  });

  it("a sale with no scan: the display and the register ask again, then it ends failed NO_SCAN", async () => {
    const r = runner();
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    expect(screen.current).toEqual({
      kind: "amount",
      amount: { currency: "NOK", value: 4900 },
      qrContent: QR,
    });
    clock.advance(SETTINGS.scanReminderMs);
    expect(screen.current).toMatchObject({ kind: "amount", scanAgain: true });
    expect(register.updates.at(-1)).toMatchObject({ state: "waiting_for_customer", reason: "NO_SCAN" });
    clock.advance(SETTINGS.scanTimeoutMs - SETTINGS.scanReminderMs);
    await settle();
    expect(register.finals).toMatchObject([
      { saleId: "S1", state: "failed", reason: "NO_SCAN", final: true },
    ]);
    expect(screen.current).toEqual({ kind: "not_paid", reason: "NO_SCAN" });
    expect(r.state.activeSaleId).toBeUndefined();
  });

  it("once stopping, refuses inputs from the MQTT link, so they are not acknowledged", async () => {
    const r = runner();
    await r.stop();
    let error: unknown;
    try {
      r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    } catch (e) {
      error = e;
    }
    expect(isAgentError(error, "AGENT_STOPPING")).toBe(true);
  });
});
