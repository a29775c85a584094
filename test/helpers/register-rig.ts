import { join } from "node:path";
import { silentLogger, type Logger } from "../../lib/log.js";
import {
  createRegisterLink,
  createSerialTransport,
  type RegisterCommand,
  type RegisterLink,
} from "../../drivers/register/index.js";
import { SaleTracker } from "../../drivers/register/monitor/sale-tracker.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { createPtyPair, type PtyPair } from "./pty-pair.js";
import { startSerialRelay, type RelayFilter, type SerialRelay } from "./serial-relay.js";

/**
 * The register link's test bench on a real pty pair: the agent's end (createRegisterLink on
 * a SerialTransport, answering like register-monitor with a SaleTracker) and the reference
 * register, each on its own end of the cable.
 */
export interface RegisterRig {
  /** The cable (with a relay: the agent's side of it). */
  readonly pair: PtyPair;
  readonly agent: RegisterLink;
  readonly register: ReferenceRegister;
  readonly tracker: SaleTracker;
  /** Every command the agent's handler was called with, in order. */
  readonly handled: RegisterCommand[];
  stop(): Promise<void>;
}

export interface RigOptions {
  /** A directory for the pty symlinks (a tempDir). */
  readonly dir: string;
  readonly ackTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly logger?: Logger;
  /**
   * Puts a relay in the middle of the cable (two pty pairs): every line passes through the
   * filter, which can drop or damage it.
   */
  readonly relay?: RelayFilter;
  /** Start both ends (default true). */
  readonly start?: boolean;
}

/** Serial options that let a replugged pty be found quickly. */
export function testSerial(path: string, logger: Logger) {
  return createSerialTransport({ path, baudRate: 115200, reopenMinMs: 50, reopenMaxMs: 400, logger });
}

export async function startRegisterRig(options: RigOptions): Promise<RegisterRig> {
  const logger = options.logger ?? silentLogger();
  const pair = await createPtyPair({ a: join(options.dir, "agent"), b: join(options.dir, options.relay ? "relay-a" : "register") });
  let paths = { agent: pair.a, register: pair.b };
  let far: PtyPair | undefined;
  let relay: SerialRelay | undefined;
  if (options.relay !== undefined) {
    far = await createPtyPair({ a: join(options.dir, "relay-r"), b: join(options.dir, "register") });
    relay = startSerialRelay({ agentSide: pair.b, registerSide: far.a, filter: options.relay, logger });
    await relay.ready;
    paths = { agent: pair.a, register: far.b };
  }
  const tracker = new SaleTracker();
  const handled: RegisterCommand[] = [];
  const timing = { ackTimeoutMs: options.ackTimeoutMs ?? 1000, maxRetransmits: 3, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 2000 };
  const agent: RegisterLink = createRegisterLink({
    ...timing,
    transport: testSerial(paths.agent, logger),
    logger,
    tillId: "kasse1",
    software: "rig/1",
    handler: (command) => {
      handled.push(command);
      const outcome = tracker.handle(command);
      // Reports go after the ack of the command that caused them.
      setImmediate(() => {
        for (const report of outcome.reports) agent.send(report).catch(() => undefined);
      });
      return outcome.acceptance;
    },
  });
  const register = createReferenceRegister({ ...timing, transport: testSerial(paths.register, logger), logger });
  if (options.start !== false) {
    register.start();
    agent.start();
  }
  return {
    pair,
    agent,
    register,
    tracker,
    handled,
    async stop() {
      await agent.stop();
      await register.stop();
      await relay?.stop();
      await far?.close();
      await pair.close();
    },
  };
}
