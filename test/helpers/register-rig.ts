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
  /** The agent's current link (a new one after `restartAgent`). */
  readonly agent: RegisterLink;
  readonly register: ReferenceRegister;
  readonly tracker: SaleTracker;
  /** Every command the agent's handler was called with, in order. */
  readonly handled: RegisterCommand[];
  /**
   * A restarted agent process: stops the agent's link (closing its device), waits `gapMs`
   * (default 0) and makes a NEW link on the same path, with the same handler and tracker, and
   * resolves with it, not yet started (call `start()`, e.g. after subscribing to its states).
   * The register's end stays open throughout.
   */
  restartAgent(gapMs?: number): Promise<RegisterLink>;
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
  const pair = await createPtyPair({
    a: join(options.dir, "agent"),
    b: join(options.dir, options.relay ? "relay-a" : "register"),
  });
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
  const timing = {
    ackTimeoutMs: options.ackTimeoutMs ?? 1000,
    maxRetransmits: 3,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 2000,
  };
  const newAgent = (): RegisterLink => {
    const link: RegisterLink = createRegisterLink({
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
          for (const report of outcome.reports) link.send(report).catch(() => undefined);
        });
        return outcome.acceptance;
      },
    });
    return link;
  };
  let agent = newAgent();
  const register = createReferenceRegister({
    ...timing,
    transport: testSerial(paths.register, logger),
    logger,
  });
  if (options.start !== false) {
    register.start();
    agent.start();
  }
  return {
    pair,
    get agent() {
      return agent;
    },
    register,
    tracker,
    handled,
    async restartAgent(gapMs = 0) {
      await agent.stop();
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      agent = newAgent();
      return agent;
    },
    async stop() {
      await agent.stop();
      await register.stop();
      await relay?.stop();
      await far?.close();
      await pair.close();
    },
  };
}
