import { InvalidArgumentError, type Command } from "commander";
import { createLogger } from "../../../lib/log.js";
import { terminalSafeJson } from "../../../lib/terminal-text.js";
import { createSerialTransport } from "../../../drivers/register/index.js";
import { createMonitorSession } from "../../../drivers/register/monitor/monitor-session.js";
import { EXIT } from "../../../lib/exit-codes.js";

/**
 * `pos-agent register-monitor --port <path>`: the agent's side of the register cable without
 * payments, for technicians commissioning a register (docs/register-protocol.md). Runs until
 * Ctrl-C (or --duration), printing every frame both ways.
 */

const integer =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };

interface MonitorCliOptions {
  port: string;
  baud: number;
  till: string;
  ackTimeout: number;
  retransmits: number;
  heartbeat: number;
  showHeartbeat?: boolean;
  duration?: number;
  logLevel: string;
}

function clockStamp(): string {
  return `${new Date().toISOString().slice(11, 23)}  `;
}

export function registerRegisterMonitorCommand(program: Command): void {
  program
    .command("register-monitor")
    .description(
      "talk to the register like the agent, without payments: hello, validate and ack everything, print it, answer status and ping",
    )
    .requiredOption("-p, --port <path>", "serial device of the register cable (e.g. /dev/pos-register)")
    .option("-b, --baud <n>", "baud rate (8N1, no flow control)", integer(1200, 230_400), 115_200)
    .option("--till <id>", "till id sent in the agent's hello", "monitor")
    .option("--ack-timeout <ms>", "ack timeout, milliseconds", integer(100, 10_000), 1000)
    .option(
      "--retransmits <n>",
      "retransmissions before the register counts as unreachable",
      integer(1, 10),
      3,
    )
    .option(
      "--heartbeat <ms>",
      "ping the register after this much silence, milliseconds",
      integer(1000, 60_000),
      5000,
    )
    .option("--show-heartbeat", "also print ping, pong and their acks")
    .option(
      "--duration <seconds>",
      "stop after this many seconds (default: until Ctrl-C)",
      integer(1, 86_400),
    )
    .option("--log-level <level>", "NDJSON log level on stderr", "warn")
    .action(async (options: MonitorCliOptions) => {
      // NDJSON on the technician's terminal: the register's hello id and software are in it.
      const logger = createLogger({
        level: options.logLevel,
        destination: { write: (line: string) => void process.stderr.write(terminalSafeJson(line)) },
      });
      const session = createMonitorSession({
        transport: createSerialTransport({
          path: options.port,
          baudRate: options.baud,
          reopenMinMs: 500,
          reopenMaxMs: 5000,
          logger,
        }),
        logger,
        tillId: options.till,
        ackTimeoutMs: options.ackTimeout,
        maxRetransmits: options.retransmits,
        heartbeatIntervalMs: options.heartbeat,
        showHeartbeat: options.showHeartbeat === true,
        print: (line) => void process.stdout.write(`${line}\n`),
        stamp: clockStamp,
      });
      // The agent holds the device while it runs: serialport then reports "Cannot lock port".
      process.stdout.write(
        `register-monitor on ${options.port} at ${options.baud} baud 8N1 — Ctrl-C to stop (stop the agent first: systemctl stop pos-agent)\n`,
      );
      session.start();
      await new Promise<void>((resolve) => {
        const done = (): void => {
          process.off("SIGINT", done);
          process.off("SIGTERM", done);
          clearTimeout(timer);
          resolve();
        };
        process.on("SIGINT", done);
        process.on("SIGTERM", done);
        const timer = options.duration === undefined ? undefined : setTimeout(done, options.duration * 1000);
      });
      await session.stop();
      const c = session.link.counters;
      process.stdout.write(
        `stopped: ${c.framesIn} frames in, ${c.framesOut} out, ${c.retransmits} retransmits, ${c.badCrc} bad CRC, ${c.badFrame} bad frames (${c.oversized} too long), ${c.duplicates} duplicates, ${c.refusedOut} refused\n`,
      );
      process.exitCode = EXIT.OK;
    });
}
