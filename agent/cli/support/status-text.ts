import type { AgentStatus, SaleStatusLine } from "../../control/index.js";
import { terminalSafeValue } from "../../../lib/terminal-text.js";
import { formatDuration, formatLocalTime, formatMoney, table } from "../../../lib/terminal-format.js";

type Mark = "✓" | "!" | "✗" | "-";

/** How each link's state reads: fine, worth a look, broken, or not configured. */
function linkMarks(links: AgentStatus["links"]): Record<keyof AgentStatus["links"], Mark> {
  return {
    register: links.register.state === "up" ? "✓" : "✗",
    mqtt: links.mqtt.state === "connected" ? "✓" : "✗",
    vipps: links.vipps.state === "ok" ? "✓" : links.vipps.state === "unknown" ? "!" : "✗",
    printer: links.printer.state === "online" ? "✓" : links.printer.state === "none" ? "-" : "✗",
    display: links.display.state === "ok" ? "✓" : links.display.state === "none" ? "-" : "✗",
    gpio: links.gpio.state === "ok" ? "✓" : links.gpio.state === "disabled" ? "-" : "!",
  };
}

function linkDetail(name: keyof AgentStatus["links"], links: AgentStatus["links"]): string {
  switch (name) {
    case "register":
      return links.register.peer === undefined
        ? links.register.state
        : `${links.register.state} (${links.register.peer})`;
    case "mqtt":
      return links.mqtt.state;
    case "vipps":
      return links.vipps.lastError === undefined
        ? links.vipps.state
        : `${links.vipps.state}: ${links.vipps.lastError}`;
    case "printer":
      return links.printer.state === "none"
        ? "none configured"
        : `${links.printer.state}, ${links.printer.queued} queued`;
    case "display":
      return links.display.state === "none" ? "none configured" : links.display.state;
    case "gpio":
      return links.gpio.state;
  }
}

function saleRow(sale: SaleStatusLine): string[] {
  const money: string[] = [formatMoney(sale.amount, sale.currency)];
  if (sale.capturedAmount !== undefined && sale.capturedAmount > 0)
    money.push(`captured ${formatMoney(sale.capturedAmount, sale.currency)}`);
  if (sale.refundedAmount !== undefined && sale.refundedAmount > 0)
    money.push(`refunded ${formatMoney(sale.refundedAmount, sale.currency)}`);
  return [
    `#${sale.saleNo}`,
    sale.saleId,
    sale.reason === undefined ? sale.state : `${sale.state} (${sale.reason})`,
    money.join(", "),
    sale.reference ?? "-",
    formatLocalTime(sale.updatedAt),
  ];
}

/** `pos-agent status` for a human: who, how long, each link, the sale in progress, the last sales, counters. */
export function renderStatus(agentStatus: AgentStatus): string {
  // The agent relays the register's hello id, Vipps' error texts and the register's sale ids.
  const status = terminalSafeValue(agentStatus);
  const out: string[] = [];
  out.push(
    `pos-agent ${status.version} — till ${status.tillId} (MSN ${status.msn}), pid ${status.pid}, up ${formatDuration(status.uptimeSeconds)} (since ${formatLocalTime(status.startedAt)})`,
  );
  if (!status.ready) out.push("✗ not ready (starting, or stopping)");
  else if (status.degraded.length > 0) out.push(`! serving degraded: ${status.degraded.join("; ")}`);
  else out.push("✓ serving");
  if (status.identification !== undefined)
    out.push(
      `customers identified by ${status.identification.current === "per-sale" ? "a per-sale QR" : "the till's QR (check-in webhook)"} (checkout.identification ${status.identification.setting}: ${status.identification.reason})`,
    );
  out.push("", "links:");
  const marks = linkMarks(status.links);
  const names = Object.keys(marks) as (keyof AgentStatus["links"])[];
  out.push(table(names.map((name) => [marks[name], name, linkDetail(name, status.links)])));
  out.push("", "current sale:");
  out.push(status.currentSale === undefined ? "  none" : table([saleRow(status.currentSale)]));
  const holds = status.openHolds ?? [];
  if (holds.length > 0) {
    out.push("", "open holds (authorized, not captured; the register captures or releases them):");
    out.push(
      table(
        holds.map((h) => [
          `#${h.saleNo}`,
          h.saleId,
          formatMoney(h.authorizedAmount, h.currency),
          h.reference,
          `capture by ${formatLocalTime(h.holdUntil)}`,
          `${h.action} at ${formatLocalTime(h.actAt)}`,
        ]),
      ),
    );
  }
  out.push("", `last sales (newest first):`);
  out.push(status.lastSales.length === 0 ? "  none yet" : table(status.lastSales.map(saleRow)));
  const counters = Object.entries(status.counters);
  if (counters.length > 0) out.push("", `counters: ${counters.map(([k, v]) => `${k} ${v}`).join(" · ")}`);
  return `${out.join("\n")}\n`;
}
