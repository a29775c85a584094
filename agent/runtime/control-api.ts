import type { Config } from "../../config/schema.js";
import { AgentError } from "../../lib/errors.js";
import type { AgentStatus, ControlApi, HoldStatusLine, SaleStatusLine } from "../control/index.js";
import { MAX_HOLDS_SHOWN } from "../control/protocol.js";
import { holdActionAt } from "../checkout/hold.js";
import type { Sale } from "../checkout/sale.js";
import type { SaleUpdate } from "../checkout/io.js";
import type { SaleRow } from "../journal/rows.js";
import { wireState } from "../checkout/wire.js";
import { capturedAmount, refundedAmount, currentAttempt } from "../checkout/sale.js";
import type { RunningAgent } from "./agent.js";
import { QR_CONTENT_KEY } from "./agent.js";
import { degradedReasons } from "./till-health.js";
import { vippsAmount } from "../checkout/tenders.js";

/** A held sale as `status` lists it (docs/register-protocol.md §7.13). */
function holdLine(sale: Sale, config: Config): HoldStatusLine[] {
  const actAt = holdActionAt(sale);
  const until = sale.hold?.until;
  if (sale.phase.kind !== "held" || actAt === undefined || until === undefined) return [];
  return [
    {
      saleId: sale.saleId,
      saleNo: sale.saleNo,
      reference: sale.phase.attempt.reference,
      authorizedAmount: sale.hold?.authorizedAmount ?? sale.basket.total,
      currency: sale.basket.currency,
      holdUntil: new Date(until).toISOString(),
      actAt: new Date(actAt).toISOString(),
      action: config.checkout.holdDeadlineAction,
    },
  ];
}

/** How long `pos-agent refund` waits for Vipps before answering "still going on". */
const REFUND_WAIT_MS = 30_000;

/**
 * The running agent as the technician's CLI sees it over the control socket
 * (agent/control/api.ts): live status, reprint, refund, QR refresh, printing a document.
 */
export function controlApi(agent: RunningAgent, config: Config, version: string): ControlApi {
  const line = (row: SaleRow): SaleStatusLine => {
    const sale = agent.journal.getSale(row.saleId);
    const state = sale === undefined ? (row.outcome ?? row.phase) : wireState(sale);
    const reason =
      sale?.phase.kind === "final" && sale.phase.outcome.state === "failed"
        ? sale.phase.outcome.reason
        : undefined;
    return {
      saleId: row.saleId,
      saleNo: row.saleNo,
      state,
      amount: row.total,
      currency: row.currency,
      ...(row.captured > 0 ? { capturedAmount: row.captured } : {}),
      ...(row.refunded > 0 ? { refundedAmount: row.refunded } : {}),
      ...(row.reference === null ? {} : { reference: row.reference }),
      ...(reason === undefined ? {} : { reason }),
      updatedAt: new Date(row.updatedAt).toISOString(),
    };
  };
  const fromUpdate = (update: SaleUpdate): SaleStatusLine => {
    const row = agent.journal.recentSales(200).find((r) => r.saleId === update.saleId);
    if (row !== undefined) return line(row);
    return {
      saleId: update.saleId,
      saleNo: 0,
      state: update.state,
      amount: update.amount ?? 0,
      currency: config.vipps.currency,
      updatedAt: new Date(agent.clock.now()).toISOString(),
    };
  };

  return {
    status(): AgentStatus {
      const till = agent.runner.state;
      const active = till.activeSaleId === undefined ? undefined : till.sales[till.activeSaleId];
      const printer = agent.receipts.state?.() ?? { state: "none" as const, queued: 0 };
      const vipps = agent.vippsHealth();
      const register = agent.register.state;
      const degraded = degradedReasons(agent, config, agent.journal.meta(QR_CONTENT_KEY) !== undefined);
      const uptimeSeconds = Math.floor((agent.clock.now() - agent.startedAt) / 1000);
      return {
        version,
        tillId: config.till.id,
        msn: config.vipps.msn,
        pid: process.pid,
        startedAt: new Date(agent.startedAt).toISOString(),
        uptimeSeconds,
        ready: true,
        identification: agent.identification(),
        degraded,
        links: {
          register: {
            state: register,
            ...(agent.register.peer?.id === undefined ? {} : { peer: agent.register.peer.id }),
          },
          mqtt: { state: agent.mqtt.state },
          vipps,
          printer,
          display: {
            state:
              config.display.path === "none" ? "none" : agent.runner.view.displayFailed ? "failed" : "ok",
          },
          gpio: {
            state: !config.gpio.enabled
              ? "disabled"
              : agent.lights.available === false
                ? "unavailable"
                : "ok",
          },
        },
        ...(active === undefined
          ? {}
          : {
              currentSale: {
                saleId: active.saleId,
                saleNo: active.saleNo,
                state: wireState(active),
                amount: vippsAmount(active),
                currency: active.basket.currency,
                ...(capturedAmount(active) > 0 ? { capturedAmount: capturedAmount(active) } : {}),
                ...(refundedAmount(active) > 0 ? { refundedAmount: refundedAmount(active) } : {}),
                ...(currentAttempt(active.phase) === undefined
                  ? {}
                  : { reference: currentAttempt(active.phase)?.reference }),
                updatedAt: new Date(active.updatedAt).toISOString(),
              },
            }),
        lastSales: agent.journal.recentSales(10).map(line),
        openHolds: agent.journal.heldSales(MAX_HOLDS_SHOWN).flatMap((sale) => holdLine(sale, config)),
        counters: {
          ...agent.runner.counters,
          ...flatten("mqtt", agent.mqtt.counters()),
          ...flatten("register", agent.register.counters),
        },
      };
    },
    reprint(sale?: string) {
      return Promise.resolve(agent.runner.technician.reprint(sale));
    },
    async refund(reference: string, amount?: number) {
      return fromUpdate(await agent.runner.technician.refund(reference, amount, REFUND_WAIT_MS));
    },
    refreshQr() {
      const qr = agent.journal.meta(QR_CONTENT_KEY);
      if (qr === undefined)
        return Promise.reject(
          new AgentError("QR_UNKNOWN", "no QR cached in the journal: run pos-agent setup"),
        );
      agent.runner.view.setQrContent(qr);
      return Promise.resolve();
    },
    print(document) {
      if (agent.receipts.printDocument === undefined)
        return Promise.reject(new AgentError("NO_PRINTER", "no receipt printer is configured"));
      return Promise.resolve(agent.receipts.printDocument(document));
    },
  };
}

/** `{ a: 1, b: { c: 2 } }` → `{ "mqtt.a": 1, "mqtt.b.c": 2 }`, numbers only. */
function flatten(prefix: string, value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof value === "number") out[prefix] = value;
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) Object.assign(out, flatten(`${prefix}.${k}`, v));
  }
  return out;
}
