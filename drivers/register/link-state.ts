import type { DecodedLine } from "./frame-codec.js";
import type { Acceptance, HelloMessage, SendResult } from "./messages.js";
import type { Fields, Validation } from "./validate-fields.js";

/**
 * Types of the pure link state machine (link-machine.ts): its state, inputs and effects.
 * The machine does no I/O and reads no clock; link-endpoint.ts performs its effects.
 */

/** What observers see. `unreachable`: the peer stopped answering and the link keeps trying. */
export type LinkState = "closed" | "opening" | "handshaking" | "up" | "unreachable";

/**
 * `settle`: for this long after a hello exchange completed, a hello from the peer with the
 * session we accepted (or, from a peer that sends none, any hello) is taken for a late
 * retransmission of the hello we already have, not for a restart (answering it with a new hello
 * would start the exchange again on both sides, forever). A hello with another session is a
 * restart at once (link-inbound.ts, isRestart).
 */
export type TimerName = "ack" | "handshake" | "heartbeat" | "settle";

export interface LinkSettings {
  /** Wait this long for an ack, counted from the moment the frame was fully written. */
  readonly ackTimeoutMs: number;
  /** Retransmissions of an unacked frame before the peer counts as unreachable. */
  readonly maxRetransmits: number;
  /** Send `ping` after this much silence while up, milliseconds; 0 never pings. */
  readonly heartbeatIntervalMs: number;
  /** Our own hello (without `v`/`seq`/`session`). */
  readonly hello: HelloMessage;
  /**
   * Draws the `session` of each hello that restarts our numbering (retransmissions repeat it);
   * it must never repeat the previous one. null: send no session, like a register that follows
   * only the v1 contract (tests of the time-window fallback).
   */
  readonly newSession: (() => string) | null;
  /** Validates the body of a frame from the peer (its `type` and fields). */
  readonly validate: (fields: Fields) => Validation<{ readonly type: string }>;
}

type OutboundKind = "hello" | "ping" | "pong" | "report";

export interface Outbound {
  /** The caller's send id, for reports; null for the link's own frames. */
  readonly id: number | null;
  readonly kind: OutboundKind;
  readonly message: Fields;
}
interface InFlight extends Outbound {
  readonly seq: number;
  /** Transmissions so far (1 = the first one). */
  readonly attempts: number;
}

export type Phase =
  | { readonly name: "closed" }
  | { readonly name: "opening" }
  | { readonly name: "handshaking"; readonly helloAcked: boolean; readonly peerHello: boolean }
  | { readonly name: "up"; readonly settled: boolean };

export interface LinkCounters {
  readonly framesIn: number;
  readonly framesOut: number;
  readonly retransmits: number;
  readonly naksIn: number;
  readonly naksOut: number;
  readonly badCrc: number;
  readonly badFrame: number;
  readonly oversized: number;
  readonly duplicates: number;
  readonly refusedIn: number;
  readonly refusedOut: number;
}

export interface MachineState {
  readonly phase: Phase;
  /** The peer stopped answering since the link was last up (shown as `unreachable`). */
  readonly failing: boolean;
  /** The `seq` of the last frame we sent. */
  readonly txSeq: number;
  readonly inFlight: InFlight | null;
  readonly queue: readonly Outbound[];
  /** The answers we gave to the peer's last SEQ_MEMORY frames, oldest first. */
  readonly memory: readonly { readonly seq: number; readonly answer: Fields }[];
  /** The frame whose handler is running; `stale` once the session was reset meanwhile. */
  readonly delivering: { readonly seq: number; readonly stale: boolean } | null;
  /** Valid frames waiting for the handler, one at a time, in order. */
  readonly inbox: readonly { readonly seq: number; readonly message: { readonly type: string } }[];
  readonly peer: HelloMessage | null;
  readonly counters: LinkCounters;
}

export type LinkInput =
  | { readonly type: "start" }
  | { readonly type: "stop" }
  | { readonly type: "opened" }
  | { readonly type: "closed"; readonly reason: string }
  | { readonly type: "line"; readonly line: DecodedLine }
  | { readonly type: "send"; readonly id: number; readonly message: Fields }
  | { readonly type: "written"; readonly seq: number; readonly attempt: number }
  | { readonly type: "delivered"; readonly seq: number; readonly acceptance: Acceptance }
  | { readonly type: "timeout"; readonly timer: TimerName };

export type LinkEffect =
  | {
      readonly type: "write";
      readonly frame: Fields;
      /** Report `written` with these when the bytes are out (starts the ack timer). */
      readonly track?: { readonly seq: number; readonly attempt: number };
      /** A nak: may be skipped when the line is flooded with garbage. */
      readonly droppable?: boolean;
    }
  | { readonly type: "setTimer"; readonly timer: TimerName; readonly ms: number }
  | { readonly type: "clearTimer"; readonly timer: TimerName }
  | { readonly type: "deliver"; readonly seq: number; readonly message: { readonly type: string } }
  | { readonly type: "settle"; readonly id: number; readonly result: SendResult }
  | {
      readonly type: "fail";
      readonly id: number;
      readonly code: "REGISTER_DOWN" | "REGISTER_UNREACHABLE";
      readonly message: string;
    }
  | { readonly type: "reopen"; readonly reason: string }
  | {
      readonly type: "log";
      readonly level: "debug" | "info" | "warn";
      readonly msg: string;
      readonly fields?: Fields;
    };

const ZERO_COUNTERS: LinkCounters = {
  framesIn: 0,
  framesOut: 0,
  retransmits: 0,
  naksIn: 0,
  naksOut: 0,
  badCrc: 0,
  badFrame: 0,
  oversized: 0,
  duplicates: 0,
  refusedIn: 0,
  refusedOut: 0,
};

export function initialState(): MachineState {
  return {
    phase: { name: "closed" },
    failing: false,
    txSeq: 0,
    inFlight: null,
    queue: [],
    memory: [],
    delivering: null,
    inbox: [],
    peer: null,
    counters: ZERO_COUNTERS,
  };
}

export function reportedState(state: MachineState): LinkState {
  const phase = state.phase.name;
  if (phase === "closed" || phase === "up") return phase;
  return state.failing ? "unreachable" : phase;
}
