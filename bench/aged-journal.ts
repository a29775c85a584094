import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Config } from "../config/schema.js";
import type { BasketLine } from "../agent/checkout/sale.js";
import { Journal } from "../agent/journal/journal.js";
import { DedupeMemory } from "../agent/mqtt/dedupe-memory.js";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { CheckoutRunner } from "../agent/runtime/checkout-runner.js";
import { checkoutSettings, openBasketLimits } from "../agent/runtime/settings.js";
import { openDatabase } from "../agent/store/database.js";
import { silentLogger } from "../lib/log.js";
import { ManualClock } from "../lib/manual-clock.js";
import {
  ACKING_REGISTER,
  InstantPayments,
  instantPrinter,
  NO_LIGHTS,
  NO_SALE_EVENTS,
  NO_SCREEN,
} from "./instant-ports.js";

const DAY_MS = 86_400_000;
/** Sales written per SQLite transaction: the checkout's own transactions become savepoints in it. */
const BATCH = 500;

export interface AgedJournalOptions {
  /** The till's config: the journal is the one `pos-agent run` opens (config.storage.directory). */
  readonly config: Config;
  readonly sales: number;
  /** The sales are spread evenly over this many days, the last one a minute before `now`. */
  readonly days: number;
  readonly now: number;
}

/**
 * A till's journal after `sales` finished sales, written by the real checkout — `step`, the
 * CheckoutRunner and the Journal, with the MQTT link's de-duplication memory fed as the link
 * feeds it — on a manual clock, with ports that answer at once (instant-ports.ts). Each sale is
 * basket → pay → scan → AUTHORIZED → capture → receipt printed → reports acked; every 50th
 * the customer aborts instead, every 100th the cashier cancels, every 100th captured one is
 * half refunded the next day. So it is exactly what a busy till's journal holds, written in
 * minutes: the sales go in batches of BATCH per commit, not one fsync per transition.
 */
export async function writeAgedJournal(options: AgedJournalOptions): Promise<{ writeMs: number }> {
  const started = performance.now();
  const span = options.days * DAY_MS;
  const spacing = Math.floor(span / options.sales);
  const clock = new ManualClock(options.now - span - 60_000);
  const db = openDatabase(join(options.config.storage.directory, JOURNAL_FILE));
  // The daemon's 1 MiB page cache makes a 500-sale transaction spill and re-read pages: a bigger
  // one for writing only (it changes how fast, not what is written).
  db.pragma("cache_size = -65536");
  const dedupe = new DedupeMemory(db);
  const payments = new InstantPayments();
  const runner = new CheckoutRunner({
    settings: checkoutSettings(options.config),
    basketLimits: openBasketLimits(options.config),
    journal: new Journal(db),
    payments,
    register: ACKING_REGISTER,
    receipts: instantPrinter({
      starting: (saleId) => runner.receiptStarting(saleId),
      finished: (saleId, printed) => runner.receiptFinished(saleId, printed),
    }),
    screen: NO_SCREEN,
    lights: NO_LIGHTS,
    saleEvents: NO_SALE_EVENTS,
    clock,
    logger: silentLogger(),
  });
  runner.start();
  /** Lets the ports' answers come back to the runner (they resolve at once). */
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  /**
   * As the MQTT link delivers an event: its identity written in the journal transaction that
   * records it, or on its own when the checkout journals nothing (an ABORTED webhook waits for
   * its confirming GET).
   */
  const deliver = (identity: string, handle: (remember: () => void) => void): void => {
    let remembered = false;
    handle(() => {
      dedupe.remember(createHash("sha256").update(identity).digest("hex"), clock.now());
      remembered = true;
    });
    if (!remembered) dedupe.remember(createHash("sha256").update(identity).digest("hex"), clock.now());
  };
  const refunds: { saleId: string; amount: number; due: number }[] = [];
  try {
    for (let n = 1; n <= options.sales; n++) {
      if (n % BATCH === 1) db.exec("BEGIN");
      const saleId = `A${n}`;
      const lines = basketLines(n);
      const total = lines.reduce((sum, l) => sum + l.total, 0);
      const basket = { saleId, currency: options.config.vipps.currency, lines, total };
      expectOk(await runner.handleRegisterCommand({ type: "basket", basket }));
      expectOk(await runner.handleRegisterCommand({ type: "pay", saleId, total }));
      if (n % 100 === 50) {
        expectOk(await runner.handleRegisterCommand({ type: "cancel", saleId }));
      } else {
        const customerToken = `aged-token-${n}`;
        deliver(customerToken, (remember) =>
          runner.handle({ type: "checkin", checkIn: { customerToken, initiatedAt: clock.now() } }, remember),
        );
        await settle();
        const reference = payments.lastReference;
        const name: "ABORTED" | "AUTHORIZED" = n % 50 === 0 ? "ABORTED" : "AUTHORIZED";
        // The checkout confirms an ABORTED webhook with a GET before it fails the sale.
        if (name === "ABORTED") payments.abortLast();
        const event = {
          reference,
          name,
          pspReference: `psp-${n}`,
          amount: { currency: basket.currency, value: total },
          success: true,
        };
        deliver(`${reference}\n${name}`, (remember) =>
          runner.handle({ type: "payment_event", event }, remember),
        );
        if (name === "AUTHORIZED" && n % 100 === 25)
          refunds.push({ saleId, amount: Math.floor(total / 2), due: clock.now() + DAY_MS });
      }
      await settle();
      while (refunds[0] !== undefined && refunds[0].due <= clock.now()) {
        const refund = refunds.shift();
        if (refund === undefined) break;
        expectOk(
          await runner.handleRegisterCommand({
            type: "refund",
            saleId: refund.saleId,
            refundId: `R-${refund.saleId}`,
            amount: refund.amount,
          }),
        );
        await settle();
      }
      const state = runner.statusOf(saleId)?.state;
      if (state !== "captured" && state !== "failed" && state !== "cancelled" && state !== "refunded")
        throw new Error(`aged journal: sale ${saleId} ended ${state ?? "unknown"}`);
      if (n % BATCH === 0 || n === options.sales) db.exec("COMMIT");
      clock.advance(spacing);
    }
  } finally {
    if (db.inTransaction) db.exec("ROLLBACK");
    await runner.stop();
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
  }
  return { writeMs: performance.now() - started };
}

function expectOk(acceptance: { ok: boolean; code?: string }): void {
  if (!acceptance.ok)
    throw new Error(`aged journal: a register command was refused (${acceptance.code ?? "?"})`);
}

/** One to four lines, two VAT rates, amounts that vary with the sale number. */
function basketLines(n: number): BasketLine[] {
  const lines: BasketLine[] = [];
  for (let i = 0; i <= n % 4; i++) {
    const unitPrice = 1_000 + ((n * 7 + i * 13) % 90) * 100;
    const quantity = 1 + ((n + i) % 3);
    lines.push({
      id: `sku-${(n + i) % 40}`,
      name: i % 2 === 0 ? "Kaffe latte" : "Kanelbolle",
      quantity: String(quantity),
      unitPrice,
      total: unitPrice * quantity,
      vatRate: i % 2 === 0 ? 2500 : 1500,
      unit: "PCS",
    });
  }
  return lines;
}
