import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../lib/log.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { basket, line, SETTINGS } from "../checkout/testing/harness.js";
import { Journal } from "../journal/journal.js";
import { openDatabase, type Db } from "../store/database.js";
import { CheckoutRunner } from "./checkout-runner.js";
import { answered } from "./testing/answered.js";
import {
  RecordingLights,
  RecordingReceipts,
  RecordingRegister,
  RecordingSaleEvents,
  RecordingScreen,
  ScriptedPayments,
} from "./testing/fakes.js";

/**
 * A captured hold's receipt for the app, through the runner and a real SQLite journal: sent after
 * the capture, resumed by the next process when the first stopped before Vipps answered, not sent
 * again once answered, retried without an answer; a refusal is logged with its code.
 */

const HELD = basket("S1", [line({ quantity: "1", unitPrice: 30000, total: 30000 })]);
const FINAL = basket("S1", [
  line({ id: "fuel", name: "Blyfri 95", quantity: "10.5", unitPrice: 2190, total: 22995, unit: "LITRE" }),
  line({ id: "wash", name: "Vask", quantity: "1", unitPrice: 1555, total: 1555 }),
]);
const AUTHORIZED = {
  state: "AUTHORIZED" as const,
  authorizedAmount: 30000,
  capturedAmount: 0,
  cancelledAmount: 0,
  refundedAmount: 0,
};

describe("a captured hold's app receipt (runner + real SQLite journal)", () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Db;
  let clock: ManualClock;
  let payments: ScriptedPayments;
  let register: RecordingRegister;
  let logLines: string[];

  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir.path, "journal.db"));
    clock = new ManualClock(Date.UTC(2026, 10, 25, 12));
    payments = new ScriptedPayments();
    register = new RecordingRegister();
    logLines = [];
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  /** A runner as a new process would be: a new Journal over the same database file. */
  function runner(): CheckoutRunner {
    const r = new CheckoutRunner({
      settings: SETTINGS,
      basketLimits: { maxOpen: 100, maxAgeMs: 86_400_000 },
      journal: new Journal(db),
      payments,
      register,
      receipts: new RecordingReceipts(),
      screen: new RecordingScreen(),
      lights: new RecordingLights(),
      saleEvents: new RecordingSaleEvents(),
      clock,
      logger: createLogger({ level: "debug", destination: { write: (l: string) => void logLines.push(l) } }),
    });
    r.start();
    return r;
  }

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  const receiptCalls = () => payments.calls.filter((c) => c.op === "orderReceipt");

  /** basket 300.00, pay with hold, scan, Vipps authorizes; then the final basket 245.50 and capture. */
  async function holdAndCapture(r: CheckoutRunner): Promise<string> {
    answered(r.handleRegisterCommand({ type: "basket", basket: HELD }));
    answered(r.handleRegisterCommand({ type: "pay", saleId: "S1", total: 30000, hold: true }));
    r.handle({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: clock.now() } });
    await settle();
    const create = payments.calls.find((c) => c.op === "create");
    expect(create?.body).not.toHaveProperty("receipt");
    const reference = create?.reference ?? "";
    payments.next.get = [{ ok: true, value: AUTHORIZED }];
    r.handle({
      type: "payment_event",
      event: {
        reference,
        name: "AUTHORIZED",
        pspReference: "p",
        amount: { currency: "NOK", value: 30000 },
        success: true,
      },
    });
    await settle();
    expect(r.state.sales.S1?.phase.kind ?? "held (in the journal)").toMatch(/held/);
    expect(answered(r.handleRegisterCommand({ type: "basket", basket: FINAL }))).toEqual({ ok: true });
    expect(answered(r.handleRegisterCommand({ type: "capture", saleId: "S1", total: 24550 }))).toEqual({
      ok: true,
    });
    return reference;
  }

  it("is sent once after the capture, with the final basket adding up to what was captured", async () => {
    const r = runner();
    const reference = await holdAndCapture(r);
    await settle();
    expect(payments.calls.map((c) => c.op)).toEqual(["create", "get", "capture", "cancel", "orderReceipt"]);
    const [sent] = receiptCalls();
    expect(sent?.reference).toBe(reference);
    expect(sent?.paid).toEqual({ currency: "NOK", value: 24550 });
    expect(sent?.receipt?.orderLines.map((l) => [l.id, l.totalAmount])).toEqual([
      ["fuel", 22995],
      ["wash", 1555],
    ]);
    expect(register.finals).toMatchObject([{ saleId: "S1", state: "captured", capturedAmount: 24550 }]);
    await r.stop();
    // Answered: a restart sends nothing more.
    const again = runner();
    await settle();
    expect(receiptCalls()).toHaveLength(1);
    await again.stop();
  });

  it("a process that stopped before Vipps answered: the next one sends the same receipt, then never again", async () => {
    const first = runner();
    await holdAndCapture(first);
    // The capture was answered; the receipt request is on its way when the process goes: its
    // answer comes only after the process stopped taking answers.
    payments.hold = true;
    await settle();
    expect(receiptCalls()).toHaveLength(1);
    expect(first.state.sales.S1?.orderReceipt).toBeDefined();
    const stopping = first.stop();
    payments.held.splice(0).forEach((answer) => answer());
    await stopping;
    payments.hold = false;

    const second = runner();
    await settle();
    const calls = receiptCalls();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
    await second.stop();

    const third = runner();
    await settle();
    expect(receiptCalls()).toHaveLength(2);
    await third.stop();
  });

  it("no answer: asked again after the retry delay; 409 then ends it, and nothing is logged as refused", async () => {
    payments.next.orderReceipt = [
      { ok: false, failure: "unavailable" },
      { ok: false, failure: "refused", status: 409 },
    ];
    const r = runner();
    await holdAndCapture(r);
    await settle();
    expect(receiptCalls()).toHaveLength(1);
    clock.advance(SETTINGS.retryDelayMs);
    await settle();
    expect(receiptCalls()).toHaveLength(2);
    clock.advance(SETTINGS.retryDelayMs * 10);
    await settle();
    expect(receiptCalls()).toHaveLength(2);
    expect(logLines.some((l) => l.includes("ORDER_RECEIPT_REFUSED"))).toBe(false);
    expect(r.state.sales.S1?.orderReceipt).toBeUndefined();
    await r.stop();
  });

  it("400: logged with ORDER_RECEIPT_REFUSED and the status, not asked again; the sale is captured all the same", async () => {
    payments.next.orderReceipt = [{ ok: false, failure: "refused", status: 400 }];
    const r = runner();
    const reference = await holdAndCapture(r);
    await settle();
    clock.advance(SETTINGS.retryDelayMs * 10);
    await settle();
    expect(receiptCalls()).toHaveLength(1);
    const refused = logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === "app receipt refused");
    expect(refused?.err).toMatchObject({
      code: "ORDER_RECEIPT_REFUSED",
      status: 400,
      reference,
      saleId: "S1",
    });
    expect(register.finals).toMatchObject([{ saleId: "S1", state: "captured", capturedAmount: 24550 }]);
    await r.stop();
  });
});
