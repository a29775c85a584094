import { ManualClock } from "../../lib/manual-clock.js";
import {
  createMemoryCable,
  createRegisterLink,
  createRegisterSideLink,
  FrameReader,
  type AgentReport,
  type CableEnd,
  type MemoryCable,
  type RegisterCommand,
  type RegisterLink,
  type RegisterSideLink,
  type SaleMessage,
} from "../../drivers/register/index.js";

/**
 * The register link on an in-memory cable with a manual clock: the agent's end and the
 * register's end, a log of every frame on the cable, and a hook to lose frames in flight.
 */

/** Lets queued microtasks and immediates run (the cable and handlers are asynchronous). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

function frames(bytes: Uint8Array): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  new FrameReader().push(bytes, (l) => {
    if (l.kind === "frame") out.push(l.value);
  });
  return out;
}

export const captured: SaleMessage = {
  type: "sale",
  saleId: "S-1",
  state: "captured",
  final: true,
  amount: 4900,
  capturedAmount: 4900,
};
export const basket: RegisterCommand = {
  type: "basket",
  saleId: "S-1",
  currency: "NOK",
  lines: [{ id: "sku-1", name: "Kaffe", quantity: "2", unitPrice: 2450, total: 4900, vatRate: 2500 }],
  total: 4900,
};

export interface MemoryRig {
  clock: ManualClock;
  cable: MemoryCable;
  agent: RegisterLink;
  register: RegisterSideLink;
  agentGot: RegisterCommand[];
  registerGot: AgentReport[];
  /** Every frame on the cable, with its direction. */
  wire: { from: CableEnd; frame: Record<string, unknown>; at: number }[];
  /** Frames matching this are lost in flight. */
  lose: (frame: Record<string, unknown>, from: CableEnd) => boolean;
  /** Stops the agent's link and starts a new one on the same cable end (a restarted agent process). */
  restartAgent(): Promise<void>;
  /** Stops the register's link and starts a new one on the same cable end (a rebooted register). */
  restartRegister(): Promise<void>;
  stop(): Promise<void>;
}

export interface MemoryRigOptions {
  /** The agent's heartbeat; default 0 (the register never pings). */
  readonly heartbeatIntervalMs?: number;
  /** Start both ends and wait until up (default true). */
  readonly start?: boolean;
  /** false: the register sends no session in its hello, like a register that follows only the v1 contract. */
  readonly registerSession?: boolean;
}

export async function startMemoryRig(options: MemoryRigOptions = {}): Promise<MemoryRig> {
  const clock = new ManualClock(0);
  const cable = createMemoryCable({ clock, reopenDelayMs: 500 });
  const agentGot: RegisterCommand[] = [];
  const registerGot: AgentReport[] = [];
  const common = {
    clock,
    ackTimeoutMs: 1000,
    maxRetransmits: 3,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 0,
  };
  const newAgent = (): RegisterLink =>
    createRegisterLink({
      ...common,
      transport: cable.a,
      tillId: "kasse1",
      software: "test/1",
      handler: (m) => {
        agentGot.push(m);
        return { ok: true };
      },
    });
  const newRegister = (): RegisterSideLink =>
    createRegisterSideLink({
      ...common,
      heartbeatIntervalMs: 0,
      transport: cable.b,
      id: "R1",
      software: "pos/1",
      ...(options.registerSession === undefined ? {} : { session: options.registerSession }),
      handler: (m) => {
        registerGot.push(m);
        return { ok: true };
      },
    });
  const r: MemoryRig = {
    clock,
    cable,
    agent: newAgent(),
    register: newRegister(),
    agentGot,
    registerGot,
    wire: [],
    lose: () => false,
    async restartAgent() {
      await r.agent.stop();
      r.agent = newAgent();
      r.agent.start();
    },
    async restartRegister() {
      await r.register.stop();
      r.register = newRegister();
      r.register.start();
    },
    async stop() {
      await r.agent.stop();
      await r.register.stop();
    },
  };
  cable.tap = (bytes, from) => {
    const list = frames(bytes);
    for (const frame of list) r.wire.push({ from, frame, at: clock.now() });
    return list.some((f) => r.lose(f, from)) ? null : bytes;
  };
  if (options.start !== false) {
    // One ack timeout: time for a hello that found the other end not yet open to be resent.
    r.register.start();
    r.agent.start();
    await flush();
    clock.advance(1000);
    await flush();
    if (r.agent.state !== "up") throw new Error(`the link is ${r.agent.state}, not up`);
  }
  return r;
}
