import { join } from "node:path";
import { ManualClock } from "../../lib/manual-clock.js";
import { silentLogger } from "../../lib/log.js";
import type { BasketLine } from "../../agent/checkout/sale.js";
import type { Tender } from "../../drivers/register/index.js";
import { SETTINGS } from "../../agent/checkout/testing/harness.js";
import { Journal } from "../../agent/journal/journal.js";
import { answered } from "../../agent/runtime/testing/answered.js";
import { CheckoutRunner } from "../../agent/runtime/checkout-runner.js";
import { JOURNAL_FILE } from "../../agent/journal/journal-access.js";
import {
  RecordingLights,
  RecordingReceipts,
  RecordingRegister,
  RecordingSaleEvents,
  RecordingScreen,
  ScriptedPayments,
} from "../../agent/runtime/testing/fakes.js";
import { openDatabase, type Db } from "../../agent/store/database.js";

/**
 * A real journal written by the real checkout (CheckoutRunner + the pure machine) with
 * in-memory ports on a manual clock: sales captured, failed, cancelled and refunded at chosen
 * times, exactly as the agent would journal them. For `pos-agent report`, `status` and
 * `doctor` tests.
 *
 *   const till = openTillJournal(dir, Date.UTC(2026, 2, 2, 9));
 *   await till.captured("S1", [line(…)]); till.advance(60_000); await till.refund("S1", "R1", 500);
 *   till.close();
 */
export interface TillJournal {
  readonly clock: ManualClock;
  /** Where the journal file is; undefined for an in-memory journal. */
  readonly directory: string | undefined;
  readonly db: Db;
  /** What the checkout asked of the world: ePayment calls (with the create bodies), receipts, sale events. */
  readonly payments: ScriptedPayments;
  readonly receipts: RecordingReceipts;
  readonly saleEvents: RecordingSaleEvents;
  /** What the register was told. */
  readonly register: RecordingRegister;
  /**
   * basket → pay → scan → AUTHORIZED → capture. Returns the payment reference. With `tenders`
   * a split-tender sale: the register took those, Vipps MobilePay the rest.
   */
  captured(saleId: string, lines: readonly BasketLine[], tenders?: readonly Tender[]): Promise<string>;
  /** basket → pay → scan → the customer aborts (or the request expires). */
  failed(saleId: string, lines: readonly BasketLine[], how?: "ABORTED" | "EXPIRED"): Promise<void>;
  /** basket → pay → the cashier cancels before anyone scans. */
  cancelled(saleId: string, lines: readonly BasketLine[]): Promise<void>;
  /** A basket the register never asked to be paid (an unfinished sale that blocks nothing). */
  opened(saleId: string, lines: readonly BasketLine[]): void;
  /** A refund the register asks for and Vipps confirms. */
  refund(saleId: string, refundId: string, amount: number): Promise<void>;
  /** A `pay` with `hold` that Vipps authorized: the sale is `held` (docs/register-protocol.md §7.13). */
  held(saleId: string, lines: readonly BasketLine[], guaranteedForMs?: number): Promise<string>;
  /** The register's final basket (when given) and `capture` of a held sale, or its `release`. */
  captureHeld(saleId: string, lines?: readonly BasketLine[]): Promise<void>;
  releaseHeld(saleId: string): Promise<void>;
  advance(ms: number): void;
  close(): Promise<void>;
}

export function vatLine(id: string, total: number, vatRate: number, name = `Vare ${id}`): BasketLine {
  return { id, name, quantity: "1", unitPrice: total, total, vatRate, unit: "PCS" };
}

export function openTillJournal(directory: string, start: number): TillJournal {
  return tillJournal(openDatabase(join(directory, JOURNAL_FILE)), directory, start);
}

/** The same on an in-memory SQLite journal: for property tests that run many tills. */
export function openMemoryTillJournal(start: number): TillJournal {
  return tillJournal(openDatabase(":memory:"), undefined, start);
}

function tillJournal(db: Db, directory: string | undefined, start: number): TillJournal {
  const clock = new ManualClock(start);
  const payments = new ScriptedPayments();
  const receipts = new RecordingReceipts();
  const saleEvents = new RecordingSaleEvents();
  const register = new RecordingRegister();
  const runner = new CheckoutRunner({
    settings: SETTINGS,
    // Fixtures leave baskets open over days on purpose ("unfinished" in reports): none is dropped.
    basketLimits: { maxOpen: 10_000, maxAgeMs: 400 * 86_400_000 },
    journal: new Journal(db),
    payments,
    register,
    receipts,
    screen: new RecordingScreen(),
    lights: new RecordingLights(),
    saleEvents,
    clock,
    logger: silentLogger(),
    qrContent: "https://qr.vipps.no/28/2/01/031/4712345678",
  });
  runner.start();

  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  const open = (
    saleId: string,
    lines: readonly BasketLine[],
    tenders?: readonly Tender[],
    hold = false,
  ): void => {
    const total = lines.reduce((sum, l) => sum + l.total, 0);
    const basket = answered(
      runner.handleRegisterCommand({
        type: "basket",
        basket: { saleId, currency: "NOK", lines, total },
      }),
    );
    const pay = answered(
      runner.handleRegisterCommand({
        type: "pay",
        saleId,
        total,
        ...(tenders === undefined ? {} : { tenders }),
        ...(hold ? { hold: true as const } : {}),
      }),
    );
    if (!basket.ok || !pay.ok) throw new Error(`sale ${saleId} refused: ${JSON.stringify([basket, pay])}`);
  };
  const scanAndRequest = async (saleId: string): Promise<string> => {
    const before = payments.calls.length;
    runner.handle({
      type: "checkin",
      checkIn: { customerToken: `token-${saleId}`, initiatedAt: clock.now() },
    });
    await settle();
    const reference = payments.calls.slice(before).find((c) => c.op === "create")?.reference;
    if (reference === undefined) throw new Error(`no payment was requested for ${saleId}`);
    return reference;
  };
  const event = (reference: string, name: "AUTHORIZED" | "ABORTED" | "EXPIRED", value: number): void =>
    runner.handle({
      type: "payment_event",
      event: {
        reference,
        name,
        pspReference: `psp-${reference}`,
        amount: { currency: "NOK", value },
        success: true,
      },
    });

  return {
    clock,
    directory,
    db,
    payments,
    receipts,
    saleEvents,
    register,
    async captured(saleId, lines, tenders) {
      open(saleId, lines, tenders);
      const reference = await scanAndRequest(saleId);
      // Vipps MobilePay authorizes its part only: the basket less what the register took.
      const others = (tenders ?? []).reduce((sum, t) => sum + t.amount, 0);
      event(reference, "AUTHORIZED", lines.reduce((sum, l) => sum + l.total, 0) - others);
      await settle();
      const state = runner.statusOf(saleId)?.state;
      if (state !== "captured") throw new Error(`sale ${saleId} is ${state ?? "unknown"}, not captured`);
      return reference;
    },
    async failed(saleId, lines, how = "ABORTED") {
      open(saleId, lines);
      const reference = await scanAndRequest(saleId);
      // The webhook alone ends nothing: the agent asks Vipps, which confirms it.
      const confirmed = { authorizedAmount: 0, capturedAmount: 0, cancelledAmount: 0, refundedAmount: 0 };
      payments.next.get = [{ ok: true, value: { state: how, ...confirmed } }];
      event(
        reference,
        how,
        lines.reduce((sum, l) => sum + l.total, 0),
      );
      await settle();
      const state = runner.statusOf(saleId)?.state;
      if (state !== "failed") throw new Error(`sale ${saleId} is ${state ?? "unknown"}, not failed`);
    },
    async cancelled(saleId, lines) {
      open(saleId, lines);
      const cancel = answered(runner.handleRegisterCommand({ type: "cancel", saleId }));
      await settle();
      const state = runner.statusOf(saleId)?.state;
      if (!cancel.ok || state !== "cancelled")
        throw new Error(`sale ${saleId} is ${state ?? "unknown"}, not cancelled`);
    },
    opened(saleId, lines) {
      const total = lines.reduce((sum, l) => sum + l.total, 0);
      const basket = answered(
        runner.handleRegisterCommand({
          type: "basket",
          basket: { saleId, currency: "NOK", lines, total },
        }),
      );
      if (!basket.ok) throw new Error(`basket ${saleId} refused: ${basket.code}`);
    },
    async refund(saleId, refundId, amount) {
      const accepted = answered(runner.handleRegisterCommand({ type: "refund", saleId, refundId, amount }));
      if (!accepted.ok) throw new Error(`refund ${refundId} refused: ${accepted.code}`);
      await settle();
    },
    async held(saleId, lines, guaranteedForMs) {
      open(saleId, lines, undefined, true);
      const reference = await scanAndRequest(saleId);
      const total = lines.reduce((sum, l) => sum + l.total, 0);
      // A hold is only believed from Vipps itself: the webhook leads to a GET.
      const authorized = {
        authorizedAmount: total,
        capturedAmount: 0,
        cancelledAmount: 0,
        refundedAmount: 0,
      };
      const until =
        guaranteedForMs === undefined ? {} : { captureGuaranteedUntil: clock.now() + guaranteedForMs };
      payments.next.get = [{ ok: true, value: { state: "AUTHORIZED", ...authorized, ...until } }];
      event(reference, "AUTHORIZED", total);
      await settle();
      const state = runner.statusOf(saleId)?.state;
      if (state !== "held") throw new Error(`sale ${saleId} is ${state ?? "unknown"}, not held`);
      return reference;
    },
    async captureHeld(saleId, lines) {
      if (lines !== undefined) {
        const total = lines.reduce((sum, l) => sum + l.total, 0);
        const basket = answered(
          runner.handleRegisterCommand({ type: "basket", basket: { saleId, currency: "NOK", lines, total } }),
        );
        if (!basket.ok) throw new Error(`final basket ${saleId} refused: ${basket.code}`);
      }
      const total = runner.statusOf(saleId)?.amount ?? 0;
      const capture = answered(runner.handleRegisterCommand({ type: "capture", saleId, total }));
      await settle();
      const state = runner.statusOf(saleId)?.state;
      if (!capture.ok || state !== "captured")
        throw new Error(`sale ${saleId} is ${state ?? "unknown"}, not captured`);
    },
    async releaseHeld(saleId) {
      const release = answered(runner.handleRegisterCommand({ type: "release", saleId }));
      await settle();
      const state = runner.statusOf(saleId)?.state;
      if (!release.ok || state !== "cancelled")
        throw new Error(`sale ${saleId} is ${state ?? "unknown"}, not cancelled`);
    },
    advance(ms) {
      clock.advance(ms);
    },
    async close() {
      await runner.stop();
      db.close();
    },
  };
}
