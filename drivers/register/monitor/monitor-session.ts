import type { Clock } from "../../../lib/clock.js";
import { errorMessage } from "../../../lib/errors.js";
import { silentLogger, type Logger } from "../../../lib/log.js";
import { terminalSafe } from "../../../lib/terminal-text.js";
import { describeMessage, describeMessageLong } from "../describe-message.js";
import type { TrafficEvent } from "../link-endpoint.js";
import { createRegisterLink, type RegisterLink } from "../register-link.js";
import type { LinkTransport } from "../transport.js";
import { SaleTracker } from "./sale-tracker.js";

/**
 * The heart of `pos-agent register-monitor`: the agent's end of the cable without payments.
 * It completes the hello exchange, validates and acks everything the register sends
 * (refusing what the agent would refuse, with the same codes), answers `status` with the
 * tracked state and `ping` with `pong`, reports the states an agent would report (waiting for
 * the customer after `pay`, cancelled after `cancel`), and prints every frame both ways.
 */

export interface MonitorOptions {
  readonly transport: LinkTransport;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly tillId: string;
  readonly ackTimeoutMs: number;
  readonly maxRetransmits: number;
  readonly heartbeatIntervalMs: number;
  /** Where the readable transcript goes, one line per call. */
  readonly print: (line: string) => void;
  /** Prefix for each printed line, e.g. a timestamp. */
  readonly stamp?: () => string;
  /** Also print ping, pong and their acks (every heartbeat interval). Default false. */
  readonly showHeartbeat?: boolean;
}

export interface MonitorSession {
  readonly link: RegisterLink;
  readonly tracker: SaleTracker;
  start(): void;
  stop(): Promise<void>;
}

function seqOf(frame: Readonly<Record<string, unknown>>): string {
  return typeof frame.seq === "number" ? `#${frame.seq} ` : "";
}

function describeTraffic(event: TrafficEvent): string {
  if (event.direction === "in" && "damaged" in event)
    return `← damaged line, nak ${event.damaged.code} (${terminalSafe(event.damaged.reason)})`;
  const frame = "frame" in event ? event.frame : {};
  const arrow = event.direction === "in" ? "←" : "→";
  const text = event.direction === "in" ? describeMessageLong(frame) : describeMessage(frame);
  return `${arrow} ${seqOf(frame)}${text.replace(/\n/g, `\n${" ".repeat(arrow.length + 1)}`)}`;
}

/** True for ping, pong and the acks that answer them (remembered by seq, per direction). */
function heartbeatFilter(): (event: TrafficEvent) => boolean {
  const sent = new Set<unknown>();
  const received = new Set<unknown>();
  return (event) => {
    if (!("frame" in event)) return false;
    const { frame } = event;
    const mine = event.direction === "out" ? sent : received;
    const theirs = event.direction === "out" ? received : sent;
    if (frame.type === "ping" || frame.type === "pong") {
      mine.add(frame.seq);
      if (mine.size > 64) mine.clear();
      return true;
    }
    return frame.type === "ack" && frame.error === undefined && theirs.delete(frame.ack);
  };
}

/** For vendors: the extension their register should implement (docs/register-protocol.md §3.3). */
export const NO_SESSION_NOTE =
  "● note: the register's hello has no session — a register restarting within 4 s of a hello exchange then needs a reopen before the link is up again (see §3.3 of the register protocol)";

export function createMonitorSession(options: MonitorOptions): MonitorSession {
  const tracker = new SaleTracker();
  const stamp = options.stamp ?? (() => "");
  // Each line once more through terminalSafe: what the register sent never drives the terminal.
  const print = (text: string): void =>
    options.print(`${stamp()}${text.split("\n").map(terminalSafe).join("\n")}`);
  const logger = options.logger ?? silentLogger();
  const link = createRegisterLink({
    transport: options.transport,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    logger,
    tillId: options.tillId,
    id: `register-monitor-${options.tillId}`,
    software: "vipps-pos-agent register-monitor/0.1.0",
    ackTimeoutMs: options.ackTimeoutMs,
    maxRetransmits: options.maxRetransmits,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    handler: (command) => {
      const outcome = tracker.handle(command);
      // After the ack of the command that caused them (setImmediate runs after the link has
      // written the ack), as the agent does.
      setImmediate(() => {
        for (const report of outcome.reports) {
          link
            .send(report)
            .catch((error: unknown) =>
              print(`✗ ${describeMessage({ ...report })} not delivered: ${errorMessage(error)}`),
            );
        }
      });
      return outcome.acceptance;
    },
  });
  const heartbeat = heartbeatFilter();
  link.onTraffic((event) => {
    if (options.showHeartbeat === true || !heartbeat(event)) print(describeTraffic(event));
  });
  link.onStateChange((state) => {
    const peer = link.peer;
    if (state === "up" && peer !== undefined) {
      print(`● link up — ${describeMessage({ ...peer })}`);
      if (peer.session === undefined) print(NO_SESSION_NOTE);
    } else if (state === "unreachable")
      print("● the register does not answer; reopening and saying hello again");
    else print(`● link ${state}`);
  });
  return {
    link,
    tracker,
    start: () => link.start(),
    stop: () => link.stop(),
  };
}
