import { HELLO_SEQ, nextSeq, PROTOCOL_VERSION } from "./protocol.js";
import type { LinkCounters, LinkEffect, LinkSettings, MachineState, Outbound } from "./link-state.js";
import type { Fields } from "./validate-fields.js";

/**
 * The building blocks of the link machine's transitions: sending (stop-and-wait, retransmit,
 * give up), the hello that starts a session, and the heartbeat. Each mutates a `Step` that
 * `step` (link-machine.ts) created for one input; nothing here does I/O.
 */

export type Step = { state: MachineState; effects: LinkEffect[] };

export function count(out: Step, counter: keyof LinkCounters, by = 1): void {
  // A copy of the same shape, then one field changed: a literal with a computed key would give
  // V8 a different object shape per counter, on every frame in and out.
  const counters: { -readonly [K in keyof LinkCounters]: number } = { ...out.state.counters };
  counters[counter] += by;
  out.state = { ...out.state, counters };
}

function frame(seq: number, message: Fields): Fields {
  return { v: PROTOCOL_VERSION, seq, ...message };
}

export function write(out: Step, frameObject: Fields, track?: { seq: number; attempt: number }): void {
  out.effects.push(
    track === undefined
      ? { type: "write", frame: frameObject }
      : { type: "write", frame: frameObject, track },
  );
  count(out, "framesOut");
}

/** Fails every waiting and in-flight report and forgets the session's inbound state. */
function dropOutbound(
  out: Step,
  reason: string,
  inFlightCode: "REGISTER_DOWN" | "REGISTER_UNREACHABLE" = "REGISTER_DOWN",
): void {
  const { inFlight, queue } = out.state;
  if (inFlight?.id != null)
    out.effects.push({ type: "fail", id: inFlight.id, code: inFlightCode, message: reason });
  for (const item of queue)
    if (item.id !== null)
      out.effects.push({ type: "fail", id: item.id, code: "REGISTER_DOWN", message: reason });
  out.state = { ...out.state, inFlight: null, queue: [] };
  for (const timer of ["ack", "handshake", "heartbeat", "settle"] as const)
    out.effects.push({ type: "clearTimer", timer });
}

export function resetInbound(out: Step): void {
  const { delivering } = out.state;
  out.state = {
    ...out.state,
    memory: [],
    inbox: [],
    delivering: delivering === null ? null : { ...delivering, stale: true },
  };
}

export function endSession(out: Step, phase: "closed" | "opening", reason: string): void {
  dropOutbound(out, reason);
  resetInbound(out);
  out.state = { ...out.state, phase: { name: phase } };
}

/**
 * Sends our hello (seq 1 restarts our numbering, under a new session) and forgets the peer's
 * seqs. `peerHello`: we answer the peer's hello, which we already have.
 */
export function sendHello(out: Step, settings: LinkSettings, peerHello: boolean): void {
  dropOutbound(out, "the link is restarting its hello exchange");
  resetInbound(out);
  const message: Fields =
    settings.newSession === null
      ? { ...settings.hello }
      : { ...settings.hello, session: settings.newSession() };
  out.state = {
    ...out.state,
    phase: { name: "handshaking", helloAcked: false, peerHello },
    txSeq: HELLO_SEQ,
    inFlight: { id: null, kind: "hello", message, seq: HELLO_SEQ, attempts: 1 },
  };
  write(out, frame(HELLO_SEQ, message), { seq: HELLO_SEQ, attempt: 1 });
}

/** The peer stopped answering: report it, give up what waits, and let the transport reopen. */
export function giveUp(out: Step, reason: string): void {
  dropOutbound(out, `the register did not answer (${reason})`, "REGISTER_UNREACHABLE");
  resetInbound(out);
  out.state = { ...out.state, phase: { name: "opening" }, failing: true };
  out.effects.push({
    type: "log",
    level: "warn",
    msg: "peer unreachable; reopening the device",
    fields: { reason },
  });
  out.effects.push({ type: "reopen", reason });
}

export function retransmitOrGiveUp(out: Step, settings: LinkSettings, reason: string): void {
  const inFlight = out.state.inFlight;
  if (inFlight === null) return;
  out.effects.push({ type: "clearTimer", timer: "ack" });
  if (inFlight.attempts > settings.maxRetransmits) {
    giveUp(out, `${reason} after ${inFlight.attempts} transmissions of seq ${inFlight.seq}`);
    return;
  }
  const attempts = inFlight.attempts + 1;
  out.state = { ...out.state, inFlight: { ...inFlight, attempts } };
  count(out, "retransmits");
  out.effects.push({
    type: "log",
    level: "debug",
    msg: "retransmit",
    fields: { seq: inFlight.seq, attempt: attempts, reason },
  });
  write(out, frame(inFlight.seq, inFlight.message), { seq: inFlight.seq, attempt: attempts });
}

/** Puts the next waiting frame on the wire if nothing is in flight (stop-and-wait). */
export function pump(out: Step): void {
  const { inFlight, queue, txSeq, phase } = out.state;
  const next: Outbound | undefined = queue[0];
  if (inFlight !== null || next === undefined || phase.name !== "up") return;
  const seq = nextSeq(txSeq);
  out.state = { ...out.state, txSeq: seq, queue: queue.slice(1), inFlight: { ...next, seq, attempts: 1 } };
  write(out, frame(seq, next.message), { seq, attempt: 1 });
}

export function enterUp(out: Step, settings: LinkSettings): void {
  out.state = { ...out.state, phase: { name: "up", settled: false }, failing: false };
  out.effects.push({ type: "clearTimer", timer: "handshake" });
  out.effects.push({ type: "setTimer", timer: "settle", ms: handshakeWindowMs(settings) });
  armHeartbeat(out, settings);
  pump(out);
}

/** How long one side may take to complete its part of the hello exchange. */
export function handshakeWindowMs(settings: LinkSettings): number {
  return settings.ackTimeoutMs * (settings.maxRetransmits + 1);
}

export function armHeartbeat(out: Step, settings: LinkSettings): void {
  if (settings.heartbeatIntervalMs > 0 && out.state.phase.name === "up") {
    out.effects.push({ type: "setTimer", timer: "heartbeat", ms: settings.heartbeatIntervalMs });
  }
}
