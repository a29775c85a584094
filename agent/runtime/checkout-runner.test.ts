import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { silentLogger } from "../../lib/log.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase, type Db } from "../store/database.js";
import { Journal } from "../journal/journal.js";
import { basket, SETTINGS } from "../checkout/testing/harness.js";
import { answered } from "./testing/answered.js";
import { CheckoutRunner } from "./checkout-runner.js";
import {
  RecordingLights,
  RecordingReceipts,
  RecordingRegister,
  RecordingSaleEvents,
  RecordingScreen,
  ScriptedPayments,
} from "./testing/fakes.js";
import { RESULT_SCREEN_MS } from "./view.js";

const QR = "https://qr.vipps.no/28/2/01/031/4712345678";
const LIMITS = { maxOpen: 100, maxAgeMs: 86_400_000 };

describe("CheckoutRunner (pure machine + real SQLite journal + in-memory ports)", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let clock: ManualClock;
  let payments: ScriptedPayments;
  let register: RecordingRegister;
  let receipts: RecordingReceipts;
  let screen: RecordingScreen;
  let lights: RecordingLights;
  let events: RecordingSaleEvents;

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, "journal.db"));
    clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
    payments = new ScriptedPayments();
    register = new RecordingRegister();
    receipts = new RecordingReceipts();
    screen = new RecordingScreen();
    lights = new RecordingLights();
    events = new RecordingSaleEvents();
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  function runner(over: Partial<typeof SETTINGS> = {}, basketLimits = LIMITS): CheckoutRunner {
    const r = new CheckoutRunner({
      settings: { ...SETTINGS, ...over },
      basketLimits,
      journal: new Journal(db),
      payments,
      register,
      receipts,
      screen,
      lights,
      saleEvents: events,
      clock,
      logger: silentLogger(),
      qrContent: QR,
    });
    r.start();
    return r;
  }

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  it("runs a sale end to end: 2 Vipps calls, register told, receipt queued, event written, display paid → idle", async () => {
    const r = runner();
    expect(screen.current).toEqual({ kind: "idle", qrContent: QR });
    expect(answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }))).toEqual({ ok: true });
    expect(answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }))).toEqual({
      ok: true,
    });
    expect(screen.current).toMatchObject({ kind: "amount", amount: { value: 4900 }, qrContent: QR });
    r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    expect(screen.current).toMatchObject({ kind: "waiting" });
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
    expect(payments.calls.map((c) => c.op)).toEqual(["create", "capture"]);
    expect(register.finals).toMatchObject([
      { saleId: "S1", state: "captured", capturedAmount: 4900, final: true },
    ]);
    expect(receipts.jobs).toMatchObject([{ jobId: "S1:sale", kind: "sale", copy: false }]);
    expect(events.events).toHaveLength(1);
    expect(screen.current).toMatchObject({ kind: "paid" });
    expect(lights.beeps).toBe(1);
    expect(lights.states.at(-1)).toBe("ready");
    clock.advance(RESULT_SCREEN_MS);
    expect(screen.current).toEqual({ kind: "idle", qrContent: QR });
  });

  it("checkpoints the journal between customers: the register has every outcome and nobody is paying", async () => {
    const file = join(dir.path, "journal.db");
    const r = runner();
    const databaseBytes = (): number => statSync(file).size;
    const before = databaseBytes();
    r.handleRegisterCommand({ type: "basket", basket: basket("S1") });
    r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 });
    r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    // While the sale is being paid its pages stay in the WAL.
    expect(databaseBytes()).toBe(before);
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
    expect(register.finals).toMatchObject([{ saleId: "S1", state: "captured" }]);
    expect(databaseBytes()).toBeGreaterThan(before);
  });

  it("polls when no webhook comes within the grace period", async () => {
    const r = runner();
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    payments.next.get = [
      {
        ok: true,
        value: {
          state: "CREATED",
          authorizedAmount: 0,
          capturedAmount: 0,
          cancelledAmount: 0,
          refundedAmount: 0,
        },
      },
      {
        ok: true,
        value: {
          state: "AUTHORIZED",
          authorizedAmount: 4900,
          capturedAmount: 0,
          cancelledAmount: 0,
          refundedAmount: 0,
        },
      },
    ];
    clock.advance(SETTINGS.webhookGraceMs - 1);
    await settle();
    expect(payments.calls.map((c) => c.op)).toEqual(["create"]);
    clock.advance(1);
    await settle();
    clock.advance(SETTINGS.pollIntervalMs);
    await settle();
    expect(payments.calls.map((c) => c.op)).toEqual(["create", "get", "get", "capture"]);
    expect(register.finals).toMatchObject([{ state: "captured" }]);
  });

  it("re-sends unacked final states after the register comes back, and only once acked stops", async () => {
    const r = runner();
    register.ackFinals = false;
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "cancel", saleId: "S1" }));
    await settle();
    expect(register.finals).toEqual([]);
    register.ackFinals = true;
    r.onRegisterUp();
    await settle();
    expect(register.finals).toMatchObject([{ saleId: "S1", state: "cancelled", final: true }]);
    r.onRegisterUp();
    await settle();
    expect(register.finals).toHaveLength(1);
  });

  it("after a restart mid-capture, re-sends the same capture and finishes the sale", async () => {
    const first = runner();
    answered(first.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(first.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    first.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    const reference = payments.calls[0]?.reference ?? "";
    payments.hold = true; // the capture request leaves but its answer is lost with the process
    first.handle({
      type: "payment_event",
      event: {
        reference,
        name: "AUTHORIZED",
        pspReference: "p",
        amount: { currency: "NOK", value: 4900 },
        success: true,
      },
    });
    const lostKey = payments.calls.at(-1)?.key;
    expect(lostKey).toBe(`${reference}-capture`);

    payments.hold = false;
    const second = runner(); // a new process on the same journal
    await settle();
    expect(payments.calls.at(-1)).toEqual({ op: "capture", reference, key: lostKey });
    expect(register.finals).toMatchObject([{ saleId: "S1", state: "captured" }]);
    expect(second.state.activeSaleId).toBeUndefined();
  });

  it("without a printer, the receipt is reported not printed and not retried", async () => {
    receipts.configured = false;
    const r = runner();
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    r.handle({
      type: "payment_event",
      event: {
        reference: payments.calls[0]?.reference ?? "",
        name: "AUTHORIZED",
        pspReference: "p",
        amount: { currency: "NOK", value: 4900 },
        success: true,
      },
    });
    await settle();
    expect(register.receipts).toEqual([
      { saleId: "S1", printed: false, copy: false, error: "PRINTER_UNAVAILABLE" },
    ]);
    expect(new Journal(db).load().sales).toEqual({});
  });

  it("answers status from memory or from the journal", async () => {
    const r = runner();
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "cancel", saleId: "S1" }));
    await settle();
    expect(r.statusOf("S1")).toMatchObject({ saleId: "S1", state: "cancelled", final: true });
    expect(r.statusOf("nope")).toBeUndefined();
  });

  it("shows out of service while the register is down", () => {
    register.isUp = false;
    const r = runner();
    expect(screen.current).toEqual({ kind: "out_of_service" });
    register.isUp = true;
    r.onRegisterUp();
    expect(screen.current).toMatchObject({ kind: "idle" });
  });

  it("a stopped runner refuses register commands with AGENT_STOPPING and journals nothing", async () => {
    const r = runner();
    await r.stop();
    expect(answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }))).toMatchObject({
      ok: false,
      code: "AGENT_STOPPING",
    });
    expect(new Journal(db).getSale("S1")).toBeUndefined();
  });

  it("reads the journal in start, not when built", () => {
    const first = runner();
    answered(first.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(first.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    const second = new CheckoutRunner({
      settings: SETTINGS,
      basketLimits: LIMITS,
      journal: new Journal(db),
      payments,
      register,
      receipts,
      screen,
      lights,
      saleEvents: events,
      clock,
      logger: silentLogger(),
    });
    expect(second.state.activeSaleId).toBeUndefined();
    second.start();
    expect(second.state.activeSaleId).toBe("S1");
  });

  it("an input a port hands back while effects are being started waits until they all started", async () => {
    const r = runner();
    const seen: string[] = [];
    // A printer queue that says "printing" synchronously from inside enqueue.
    receipts.enqueue = (job) => {
      r.receiptStarting(job.sale.saleId);
      seen.push(`enqueue: receipt ${new Journal(db).getSale("S1")?.receipt.status ?? "?"}`);
    };
    answered(r.handleRegisterCommand({ type: "basket", basket: basket("S1") }));
    answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 4900 }));
    r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    r.handle({
      type: "payment_event",
      event: {
        reference: payments.calls[0]?.reference ?? "",
        name: "AUTHORIZED",
        pspReference: "p",
        amount: { currency: "NOK", value: 4900 },
        success: true,
      },
    });
    await settle();
    // The capture's answer is in: its transition starts print_receipt, whose hook is queued.
    expect(seen).toEqual(["enqueue: receipt queued"]);
    expect(new Journal(db).getSale("S1")?.receipt.status).toBe("printing");
  });
});
