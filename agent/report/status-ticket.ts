import type { NetworkInterfaceInfo } from "node:os";
import type { Config } from "../../config/schema.js";
import type { TestReceipt } from "../../drivers/printer/index.js";
import type { AgentStatus } from "../control/index.js";

export interface StatusTicketInput {
  readonly status: AgentStatus;
  readonly config: Config;
  /** The till's QR text, when known (printed as a scannable QR). */
  readonly qrContent?: string;
  /** `os.networkInterfaces()`; injected so the ticket is pure. */
  readonly interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>;
  readonly now: number;
}

/**
 * The status ticket printed at start-up when `printer.statusTicketAtBoot` is on (technicians
 * ask for one when they arrive at a silent till): version, till, every IP address a technician could SSH to, each
 * link's state, anything degraded, and the till's QR. Built on the printer driver's test
 * receipt (`kind: "test"`), so it also shows whether æ ø å € print right. Pure.
 */
export function statusTicket(input: StatusTicketInput): TestReceipt {
  const { status, config } = input;
  const links = status.links;
  const lines = [
    `pos-agent ${status.version}`,
    `${config.till.locationDescription} (${status.tillId}), MSN ${status.msn}`,
    ...addresses(input.interfaces),
    `register: ${links.register.state}${links.register.peer === undefined ? "" : ` (${links.register.peer})`}`,
    `mqtt: ${links.mqtt.state}`,
    `vipps: ${links.vipps.state}`,
    `printer: ${links.printer.state}`,
    `display: ${links.display.state}`,
    `gpio: ${links.gpio.state}`,
    status.ready && status.degraded.length === 0
      ? "ready"
      : `degraded: ${status.degraded.join("; ") || "starting"}`,
  ];
  return {
    kind: "test",
    language: config.display.language,
    header: config.printer.header,
    footer: config.printer.footer,
    time: input.now,
    till: status.tillId,
    lines: lines.map((line) => line.slice(0, 200)),
    ...(input.qrContent === undefined ? {} : { qrContent: input.qrContent }),
  };
}

/** `IP eth0 192.168.1.23`: every external IPv4 and global IPv6 address (link-local fe80:: cannot be typed into ssh without a scope). */
function addresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const out: string[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal) continue;
      if (info.family === "IPv6" && /^fe80:/i.test(info.address)) continue;
      out.push(`IP ${name} ${info.address}`);
    }
  }
  return out.length === 0 ? ["IP: no network address"] : out;
}
