import { parseArgs } from "node:util";
import { simError } from "./errors.js";
import type { CustomerBehaviour, VippsSimulatorOptions } from "./options.js";
import type { VippsSimulator } from "./simulator.js";

/**
 * Command line of the standalone simulator (`npm run sim -- --port 8080`). Pure: parsing and
 * the start-up text; main.ts does the I/O.
 */
export const USAGE = `Usage: npm run sim -- [options]

  --port <n>                  TCP port (default 8080; 0 picks a free one)
  --host <addr>               listen address (default 127.0.0.1)
  --customer <behaviour>      what customers do with payment and login requests:
                              approve[:<ms>] (default approve:1500), decline[:<ms>], ignore
  --payment-expiry <seconds>  how long a payment stays CREATED (default 600)
  --token-ttl <seconds>       access token lifetime (default 3600)
  --log-level <level>         info (default), debug (every request), warn, error, silent
  --help                      this text
`;

export interface SimCli {
  readonly help: boolean;
  readonly logLevel: string;
  readonly options: VippsSimulatorOptions;
}

function positiveInt(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min)
    throw simError("SIM_BAD_OPTIONS", `--${name} expects an integer ≥ ${min}`);
  return Number(text);
}

export function parseBehaviour(text: string): CustomerBehaviour {
  const m = /^(approve|decline|ignore)(?::(\d+))?$/.exec(text);
  if (m === null || (m[1] === "ignore" && m[2] !== undefined))
    throw simError("SIM_BAD_OPTIONS", "--customer expects approve[:ms], decline[:ms] or ignore");
  if (m[1] === "ignore") return { action: "ignore" };
  const action = m[1] === "approve" ? "approve" : "decline";
  return { action, afterMs: m[2] === undefined ? 1_500 : Number(m[2]) };
}

export function parseSimArgs(argv: readonly string[]): SimCli {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string" },
        host: { type: "string" },
        customer: { type: "string" },
        "payment-expiry": { type: "string" },
        "token-ttl": { type: "string" },
        "log-level": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw simError("SIM_BAD_OPTIONS", error instanceof Error ? error.message : String(error));
  }
  const port = positiveInt("port", values.port, 0) ?? 8080;
  if (port > 65_535) throw simError("SIM_BAD_OPTIONS", "--port expects 0–65535");
  const expiry = positiveInt("payment-expiry", values["payment-expiry"], 1);
  const ttl = positiveInt("token-ttl", values["token-ttl"], 1);
  const behaviour = values.customer === undefined ? undefined : parseBehaviour(values.customer);
  const logLevel = values["log-level"] ?? "info";
  if (!["trace", "debug", "info", "warn", "error", "fatal", "silent"].includes(logLevel))
    throw simError("SIM_BAD_OPTIONS", "--log-level expects debug, info, warn, error or silent");
  return {
    help: values.help === true,
    logLevel,
    options: {
      port,
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(expiry === undefined ? {} : { paymentExpiryMs: expiry * 1000 }),
      ...(ttl === undefined ? {} : { accessTokenTtlSeconds: ttl }),
      ...(behaviour === undefined ? {} : { defaultBehaviour: { payment: behaviour, login: behaviour } }),
    },
  };
}

/** What the standalone simulator prints at start: where it is, the credentials, the controls. */
export function startupText(sim: VippsSimulator): string {
  const lines = [
    `Vipps MobilePay simulator listening on ${sim.url}`,
    "",
    "Sales units (use these as the agent's vipps.* settings and secrets):",
  ];
  for (const u of sim.salesUnits) {
    lines.push(
      `  ${u.name}`,
      `    msn                ${u.msn}`,
      `    currency           ${u.currency} (${u.brand})`,
      `    client id          ${u.clientId}`,
      `    client secret      ${u.clientSecret}`,
      `    subscription key   ${u.subscriptionKey}`,
    );
  }
  lines.push(
    "",
    `Control API (the customer's phone and the network), see docs/simulator.md:`,
    `  GET  ${sim.url}/_sim                          sales units and endpoint names`,
    `  POST ${sim.url}/_sim/scan                     {"msisdn":"4791234567","qrContent":"https://qr.vipps.no/…"}`,
    `  POST ${sim.url}/_sim/payments/<ref>/approve   (or decline, ignore)`,
    `  POST ${sim.url}/_sim/logins/<id>/approve      (or decline, ignore)`,
    `  PUT  ${sim.url}/_sim/customers/<msisdn>       {"status":"blocked"} or {"payment":{"action":"decline"}}`,
    `  POST ${sim.url}/_sim/faults                   {"endpoint":"epayment.capture","status":503,"times":1}`,
    `  PUT  ${sim.url}/_sim/webhook-faults           {"delayMs":2000,"duplicateRate":0.5,"reorder":true}`,
    `  GET  ${sim.url}/_sim/payments | deliveries | logins | requests | webhooks | qrs`,
    "",
  );
  return lines.join("\n");
}
