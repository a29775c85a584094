import type { DecodedLine } from "./frame-codec.js";
import type { Acceptance, HelloMessage } from "./messages.js";
import { isSeq, PROTOCOL_VERSION, SEQ_MEMORY } from "./protocol.js";
import type { LinkSettings, Phase } from "./link-state.js";
import {
  armHeartbeat,
  count,
  enterUp,
  handshakeWindowMs,
  pump,
  resetInbound,
  retransmitOrGiveUp,
  giveUp,
  sendHello,
  write,
  type Step,
} from "./link-session.js";
import { isObject, type Fields } from "./validate-fields.js";

/**
 * Transitions for what arrives from the peer: damaged lines (nak), acks and naks of our
 * frames, the peer's frames (duplicate memory, validation, refusing acks, ping, hello), and
 * the handler's answers.
 */

/** Frames waiting for the handler beyond this are dropped unanswered (the peer retransmits). */
const INBOX_LIMIT = 16;

export function onLine(out: Step, line: DecodedLine, settings: LinkSettings): void {
  if (line.kind === "damaged") {
    count(out, line.code === "BAD_CRC" ? "badCrc" : "badFrame");
    if (line.oversized === true) count(out, "oversized");
    count(out, "naksOut");
    out.effects.push({
      type: "write",
      frame: { v: PROTOCOL_VERSION, type: "nak", ack: line.seq, code: line.code },
      droppable: true,
    });
    return;
  }
  count(out, "framesIn");
  armHeartbeat(out, settings);
  const value = line.value;
  if (value.type === "ack" || value.type === "nak") {
    if (value.v === PROTOCOL_VERSION) onAnswer(out, value, settings);
    return;
  }
  if (!isSeq(value.seq)) {
    count(out, "badFrame");
    count(out, "naksOut");
    out.effects.push({
      type: "write",
      frame: { v: PROTOCOL_VERSION, type: "nak", ack: null, code: "BAD_FRAME" },
      droppable: true,
    });
    return;
  }
  onFrame(out, value.seq, value, settings);
}

/** The message as handlers see it: without the link's `v` and `seq`. */
function withoutEnvelope(message: { readonly type: string }): { readonly type: string } {
  const { v: _v, seq: _seq, ...body } = message as Fields & { readonly type: string };
  return body;
}

function refusal(seq: number, code: string, message: string): Fields {
  return { v: PROTOCOL_VERSION, type: "ack", ack: seq, error: { code, message } };
}

function answer(out: Step, seq: number, reply: Fields, remember: boolean): void {
  if (remember)
    out.state = {
      ...out.state,
      memory: [...out.state.memory.filter((m) => m.seq !== seq), { seq, answer: reply }].slice(-SEQ_MEMORY),
    };
  if (reply.error !== undefined) count(out, "refusedOut");
  write(out, reply);
}

function checkFrame(value: Fields, settings: LinkSettings): ReturnType<LinkSettings["validate"]> {
  return value.v === PROTOCOL_VERSION
    ? settings.validate(value)
    : { ok: false, code: "BAD_FIELD", message: `v: expected ${PROTOCOL_VERSION}` };
}

function onFrame(out: Step, seq: number, value: Fields, settings: LinkSettings): void {
  const plain: Fields = { v: PROTOCOL_VERSION, type: "ack", ack: seq };
  if (value.type === "hello") {
    // Never looked up in the seq memory: a hello resets it (§Link layer).
    const checked = checkFrame(value, settings);
    if (!checked.ok) {
      out.effects.push({
        type: "log",
        level: "warn",
        msg: "refused a hello",
        fields: { code: checked.code, message: checked.message },
      });
      answer(out, seq, refusal(seq, checked.code, checked.message), false);
      return;
    }
    write(out, plain);
    onPeerHello(out, withoutEnvelope(checked.message) as unknown as HelloMessage, settings);
    return;
  }
  const remembered = out.state.memory.find((m) => m.seq === seq);
  if (remembered !== undefined) {
    count(out, "duplicates");
    write(out, remembered.answer);
    return;
  }
  const { delivering, inbox } = out.state;
  if ((delivering?.seq === seq && !delivering.stale) || inbox.some((m) => m.seq === seq)) {
    count(out, "duplicates");
    return;
  }
  const checked = checkFrame(value, settings);
  if (!checked.ok) {
    out.effects.push({
      type: "log",
      level: "warn",
      msg: "refused a frame",
      fields: { seq, code: checked.code, message: checked.message },
    });
    answer(out, seq, refusal(seq, checked.code, checked.message), true);
    return;
  }
  const message = withoutEnvelope(checked.message);
  switch (message.type) {
    case "ping":
      answer(out, seq, plain, true);
      if (!out.state.queue.some((m) => m.kind === "pong")) {
        out.state = {
          ...out.state,
          queue: [...out.state.queue, { id: null, kind: "pong", message: { type: "pong" } }],
        };
        pump(out);
      }
      return;
    case "pong":
      answer(out, seq, plain, true);
      return;
    default:
      if (delivering === null) {
        out.state = { ...out.state, delivering: { seq, stale: false } };
        out.effects.push({ type: "deliver", seq, message });
      } else if (inbox.length < INBOX_LIMIT) {
        out.state = { ...out.state, inbox: [...inbox, { seq, message }] };
      }
  }
}

/**
 * A hello while we are up: did the peer restart, or is this a late copy of the hello we accepted
 * (our ack was lost)? (docs/register-protocol.md §3.3, rule 4.) A session other than the accepted
 * one is a restart, at once (extension). The same session, or none (a peer that follows only
 * the v1 contract), is a copy while the settle window runs and a restart after it: the peer's
 * retransmissions end within that window, and a peer that reused its session is still
 * recognised, if late.
 */
function isRestart(
  phase: Phase & { name: "up" },
  accepted: HelloMessage | null,
  hello: HelloMessage,
): boolean {
  if (hello.session !== undefined && hello.session !== accepted?.session) return true;
  return phase.settled;
}

function onPeerHello(out: Step, hello: HelloMessage, settings: LinkSettings): void {
  const phase = out.state.phase;
  if (phase.name === "up" && !isRestart(phase, out.state.peer, hello)) {
    count(out, "duplicates");
    return;
  }
  const fields = {
    id: hello.id,
    software: hello.software,
    ...(hello.session === undefined ? {} : { session: hello.session }),
  };
  out.effects.push({ type: "log", level: "info", msg: "hello from the peer", fields });
  out.state = { ...out.state, peer: hello };
  if (phase.name === "up") {
    // The peer (re)opened its port: a new session. Answer with our own hello.
    sendHello(out, settings, true);
    return;
  }
  if (phase.name !== "handshaking") return;
  resetInbound(out);
  out.state = { ...out.state, phase: { ...phase, peerHello: true } };
  if (phase.helloAcked) {
    enterUp(out, settings);
  } else if (!phase.peerHello && out.state.inFlight?.kind === "hello") {
    // The peer is there but has not acked our hello: it was most likely sent before the peer
    // opened its port. Send it again now rather than after the ack timeout. A copy arriving
    // after the peer is up carries the session it accepted (or falls in its settle window)
    // and is only acked.
    retransmitOrGiveUp(out, settings, "the peer's hello came first");
  }
}

function onAnswer(out: Step, value: Fields, settings: LinkSettings): void {
  const inFlight = out.state.inFlight;
  if (value.type === "nak") {
    count(out, "naksIn");
    if (inFlight !== null && (value.ack === null || value.ack === inFlight.seq))
      retransmitOrGiveUp(out, settings, `nak ${String(value.code)}`);
    return;
  }
  if (inFlight === null || value.ack !== inFlight.seq) return;
  out.effects.push({ type: "clearTimer", timer: "ack" });
  out.state = { ...out.state, inFlight: null };
  const error = isObject(value.error) ? value.error : undefined;
  if (error !== undefined) count(out, "refusedIn");
  if (inFlight.kind === "hello") {
    if (error !== undefined) {
      giveUp(out, `the peer refused our hello: ${String(error.code)} ${String(error.message)}`);
      return;
    }
    const phase = out.state.phase;
    if (phase.name !== "handshaking") return;
    out.state = { ...out.state, phase: { ...phase, helloAcked: true } };
    if (phase.peerHello) enterUp(out, settings);
    else out.effects.push({ type: "setTimer", timer: "handshake", ms: handshakeWindowMs(settings) });
    return;
  }
  if (inFlight.id !== null) {
    out.effects.push({
      type: "settle",
      id: inFlight.id,
      result:
        error === undefined
          ? { acked: true }
          : { refused: { code: String(error.code), message: String(error.message) } },
    });
  }
  pump(out);
}

export function onDelivered(out: Step, seq: number, acceptance: Acceptance): void {
  const delivering = out.state.delivering;
  if (delivering?.seq !== seq) return;
  if (!delivering.stale) {
    const reply: Fields = acceptance.ok
      ? { v: PROTOCOL_VERSION, type: "ack", ack: seq }
      : refusal(seq, acceptance.code, acceptance.message);
    answer(out, seq, reply, true);
  }
  const [next, ...rest] = out.state.inbox;
  out.state = {
    ...out.state,
    delivering: next === undefined ? null : { seq: next.seq, stale: false },
    inbox: rest,
  };
  if (next !== undefined) out.effects.push({ type: "deliver", seq: next.seq, message: next.message });
}
