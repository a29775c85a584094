import { statSync } from "node:fs";
import { errorMessage } from "../../lib/errors.js";
import {
  createRegisterLink,
  createSerialTransport,
  refuse,
  registerLinkOptions,
  serialTransportOptions,
} from "../../drivers/register/index.js";
import type { Config } from "../../config/schema.js";
import { AGENT_SOFTWARE } from "../runtime/agent.js";
import { fail, ok, type Check, type Outcome } from "./check.js";
import { configOf, type DoctorContext } from "./context.js";
import { abortable } from "./abortable.js";
import { problemCapturingLogger } from "./log-capture.js";

const CABLE_HINT =
  "is the register on and its cable plugged in? line settings (register.baudRate, parity) must match the register's";

/**
 * How long a hello may take: every retransmission, twice — a register that has just talked to
 * someone else (the agent, an earlier doctor run) takes a new hello for a late copy of the old
 * one for one such window, its "settle" window (docs/register-protocol.md) — plus opening the
 * device.
 */
function helloTimeoutMs(config: Config): number {
  return 2 * config.register.ackTimeoutMs * (config.register.maxRetransmits + 1) + 2_000;
}

/**
 * The register device is present and the register answers `hello`. While the agent runs it
 * holds the port, so its view of the link is taken instead.
 */
export const registerCheck: Check<DoctorContext> = {
  id: "register",
  title: "register",
  needs: ["config", "agent"],
  timeoutMs: (context) => (context.config === undefined ? 10_000 : helloTimeoutMs(context.config) + 2_000),
  async run(context, signal) {
    const config = configOf(context);
    const path = config.register.path;
    if (context.agent !== undefined) {
      const link = context.agent.links.register;
      if (link.state === "up")
        return ok(`the agent's link is up${link.peer === undefined ? "" : ` (${link.peer})`} on ${path}`);
      return fail(`the agent's link to ${path} is ${link.state}`, CABLE_HINT);
    }
    try {
      statSync(path);
    } catch (error) {
      return fail(
        `no device at ${path} (${(error as NodeJS.ErrnoException).code ?? errorMessage(error)})`,
        'plug the cable in; give it a stable name: /opt/pos-agent/current/systemd/udev-rule.sh register /dev/ttyUSB0 (docs/operations.md, "Wiring and udev")',
      );
    }
    return sayHello(config, signal);
  },
};

async function sayHello(config: Config, signal: AbortSignal): Promise<Outcome> {
  const capture = problemCapturingLogger();
  const link = createRegisterLink({
    transport: createSerialTransport({ ...serialTransportOptions(config.register), logger: capture.logger }),
    ...registerLinkOptions(config.register),
    tillId: config.till.id,
    id: `pos-agent-doctor-${config.till.id}`,
    software: `${AGENT_SOFTWARE} doctor`,
    logger: capture.logger,
    // Nothing is sold while the doctor holds the cable: the register learns nothing was done.
    handler: () =>
      refuse("INTERNAL_ERROR", "the agent is not running (pos-agent doctor is testing the cable)"),
  });
  link.start();
  try {
    await abortable(link.waitForState("up", helloTimeoutMs(config)), signal);
    const peer = link.peer;
    return ok(
      `answered hello on ${config.register.path}: ${peer?.id ?? "?"}${peer?.software === undefined ? "" : ` (${peer.software})`}`,
    );
  } catch {
    // Only the device's own open errors say why; the link's retransmission warnings do not.
    const why = capture
      .problems()
      .filter((p) => /cannot open/i.test(p.msg))
      .map((p) => p.why);
    const text = why.join("; ");
    if (/lock/i.test(text))
      return fail(
        `${config.register.path} is held by another program (${text})`,
        `sudo fuser -v ${config.register.path}; stop it (a second agent? a terminal program?)`,
      );
    if (/EACCES|permission denied/i.test(text))
      return fail(
        `${config.register.path}: permission denied`,
        `the service user needs group dialout: ls -l ${config.register.path}; id pos-agent`,
      );
    if (why.length > 0) return fail(`${config.register.path} does not open: ${text}`, CABLE_HINT);
    return fail(
      `no answer to hello on ${config.register.path} within ${helloTimeoutMs(config) / 1000} s`,
      CABLE_HINT,
    );
  } finally {
    await link.stop();
  }
}
