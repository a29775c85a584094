import type { Config } from "../../config/schema.js";
import { wireState } from "../checkout/wire.js";
import { currentAttempt } from "../checkout/sale.js";
import type { AgentHealthReport } from "../mqtt/index.js";
import type { RunningAgent } from "./agent.js";
import { vippsAmount } from "../checkout/tenders.js";

/**
 * The till's condition as the technician (`pos-agent status`, over the control socket) and the
 * merchant's fleet view (the MQTT health message) both see it: one list of reasons why it
 * serves degraded, so the two can never disagree.
 */
export function degradedReasons(agent: RunningAgent, config: Config, qrKnown: boolean): string[] {
  const printer = agent.receipts.state?.() ?? { state: "none" as const, queued: 0 };
  const register = agent.register.state;
  const degraded: string[] = [];
  if (register !== "up") degraded.push(`register ${register}`);
  if (agent.mqtt.state !== "connected") degraded.push(`MQTT ${agent.mqtt.state}`);
  if (agent.vippsHealth().state === "failing") degraded.push("Vipps not answering");
  if (printer.state !== "online" && printer.state !== "none")
    degraded.push(`printer ${printer.state.replace("_", " ")}`);
  if (agent.runner.view.displayFailed) degraded.push("display failing");
  if (config.gpio.enabled && agent.lights.available === false) degraded.push("GPIO not accessible");
  if (!qrKnown) degraded.push("till QR unknown (run pos-agent setup)");
  return degraded;
}

/** The agent's part of the health message (docs/mqtt-contract.md §Status and health). No personal data. */
export function healthReport(agent: RunningAgent, config: Config, qrKnown: boolean): AgentHealthReport {
  const till = agent.runner.state;
  const active = till.activeSaleId === undefined ? undefined : till.sales[till.activeSaleId];
  const reference = active === undefined ? undefined : currentAttempt(active.phase)?.reference;
  return {
    links: {
      register: agent.register.state,
      printer: agent.receipts.state?.().state ?? "none",
      vipps: agent.vippsHealth().state,
      display: config.display.path === "none" ? "none" : agent.runner.view.displayFailed ? "failed" : "ok",
      gpio: !config.gpio.enabled ? "disabled" : agent.lights.available === false ? "unavailable" : "ok",
    },
    degraded: degradedReasons(agent, config, qrKnown),
    ...(active === undefined
      ? {}
      : {
          currentSale: {
            saleId: active.saleId,
            saleNo: active.saleNo,
            state: wireState(active),
            amount: { currency: active.basket.currency, value: vippsAmount(active) },
            ...(reference === undefined ? {} : { reference }),
            updatedAt: new Date(active.updatedAt).toISOString(),
          },
        }),
  };
}
