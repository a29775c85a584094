import { expect } from "vitest";
import { encodeFrame, FrameReader, type DecodedLine } from "../../drivers/register/frame-codec.js";
import { step } from "../../drivers/register/link-machine.js";
import {
  initialState,
  reportedState,
  type LinkEffect,
  type LinkInput,
  type LinkSettings,
  type MachineState,
} from "../../drivers/register/link-state.js";
import { validateRegisterMessage } from "../../drivers/register/validate-register.js";

/** Drives the pure link machine (the agent's end) input by input and inspects its effects. */

/** The machine's settings, except its session source (each Harness counts its own). */
const settings: Omit<LinkSettings, "newSession"> = {
  ackTimeoutMs: 1000,
  maxRetransmits: 3,
  heartbeatIntervalMs: 5000,
  hello: {
    type: "hello",
    protocol: 1,
    role: "agent",
    id: "pos-agent-kasse1",
    software: "test/1",
    till: "kasse1",
  },
  validate: validateRegisterMessage,
};
/** A register's hello without a session: one that follows only the v1 contract. */
export const registerHello = { type: "hello", protocol: 1, role: "register", id: "R1", software: "pos/1" };
/** A register's hello with a session (the extension). */
export function registerHelloIn(session: string): Record<string, unknown> {
  return { ...registerHello, session };
}
export const sale = { type: "sale", saleId: "S-1", state: "captured", final: true, capturedAmount: 100 };
export const basket = { type: "basket", saleId: "S-1", currency: "NOK", lines: [], total: 0 };

/** A frame from the peer, through the real codec. */
export function line(object: Record<string, unknown>): LinkInput {
  const lines: DecodedLine[] = [];
  new FrameReader().push(encodeFrame(object), (l) => lines.push(l));
  const decoded = lines[0];
  if (decoded === undefined) throw new Error("no line");
  return { type: "line", line: decoded };
}

export class Harness {
  state: MachineState = initialState();
  effects: LinkEffect[] = [];
  /** Sessions drawn so far: our hellos carry "s1", "s2", … in order. */
  sessions = 0;
  readonly settings: LinkSettings;
  /** `sessions: false`: our hellos carry no session (a v1-only peer). */
  constructor(options: { sessions?: boolean } = {}) {
    this.settings = {
      ...settings,
      newSession: options.sessions === false ? null : () => `s${++this.sessions}`,
    };
  }
  /** Our hello frame as written, with the session drawn last (none without sessions). */
  ourHello(): Record<string, unknown> {
    const frame = { v: 1, seq: 1, ...settings.hello };
    return this.settings.newSession === null ? frame : { ...frame, session: `s${this.sessions}` };
  }
  feed(...inputs: LinkInput[]): LinkEffect[] {
    this.effects = [];
    for (const input of inputs) {
      const result = step(this.state, input, this.settings);
      this.state = result.state;
      this.effects.push(...result.effects);
    }
    return this.effects;
  }
  get reported(): string {
    return reportedState(this.state);
  }
  writes(): Record<string, unknown>[] {
    return this.effects.flatMap((e) => (e.type === "write" ? [e.frame as Record<string, unknown>] : []));
  }
  has(type: LinkEffect["type"], match: Record<string, unknown> = {}): boolean {
    return this.effects.some(
      (e) =>
        e.type === type &&
        Object.entries(match).every(
          ([k, v]) => JSON.stringify((e as Record<string, unknown>)[k]) === JSON.stringify(v),
        ),
    );
  }
  /** Brings the link up: opened, our hello acked, the peer's hello (default: without session) received. */
  up(peerHello: Record<string, unknown> = registerHello): this {
    this.feed(
      { type: "start" },
      { type: "opened" },
      line({ v: 1, type: "ack", ack: 1 }),
      line({ v: 1, seq: 1, ...peerHello }),
    );
    expect(this.reported).toBe("up");
    return this;
  }
}
