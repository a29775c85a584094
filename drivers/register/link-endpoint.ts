import { systemClock, type Clock, type TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import { createLogLimiter } from "../../lib/log-limiter.js";
import { registerLinkError, type RegisterLinkErrorCode } from "./errors.js";
import { encodeFrame, FrameReader } from "./frame-codec.js";
import { step } from "./link-machine.js";
import {
  initialState,
  reportedState,
  type LinkCounters,
  type LinkEffect,
  type LinkInput,
  type LinkSettings,
  type LinkState,
  type TimerName,
} from "./link-state.js";
import { refuse, type Acceptance, type HelloMessage, type NakCode, type SendResult } from "./messages.js";
import { MAX_FRAME_BYTES, MAX_SEQ, PROTOCOL_VERSION } from "./protocol.js";
import type { LinkTransport } from "./transport.js";
import type { Fields, Validation } from "./validate-fields.js";

/**
 * Runs the pure link machine against a transport, a clock and a handler: one end of the cable,
 * either role. createRegisterLink (the agent) and the reference register are thin wrappers.
 */

type StateListener = (state: LinkState, previous: LinkState) => void;

/** One frame on the cable, for diagnostic tools (register-monitor) and tests. */
export type TrafficEvent =
  | { readonly direction: "in"; readonly frame: Fields }
  | { readonly direction: "in"; readonly damaged: { readonly code: NakCode; readonly reason: string } }
  | { readonly direction: "out"; readonly frame: Fields };
type TrafficListener = (event: TrafficEvent) => void;

export interface LinkEndpoint<Out> {
  readonly state: LinkState;
  /** The peer's last valid hello. */
  readonly peer: HelloMessage | undefined;
  readonly counters: LinkCounters;
  /** Opens the device and starts the hello exchange; the link then looks after itself. */
  start(): void;
  /** Closes the device; waiting and in-flight sends reject with REGISTER_DOWN. */
  stop(): Promise<void>;
  /**
   * Sends one message, stop-and-wait, in call order. Resolves with the peer's answer; rejects
   * with REGISTER_DOWN (link not up, or went down), REGISTER_UNREACHABLE (no ack after the
   * retransmissions) or REGISTER_BAD_MESSAGE (the message breaks the protocol; nothing sent).
   */
  send(message: Out): Promise<SendResult>;
  /** Calls `listener` on every state change (e.g. "up" after each hello exchange). */
  onStateChange(listener: StateListener): () => void;
  /** Calls `listener` for every frame received (intact or damaged) and every frame written. */
  onTraffic(listener: TrafficListener): () => void;
  /** Resolves when the link is in `state` (at once if it is); rejects after `timeoutMs`. */
  waitForState(state: LinkState, timeoutMs?: number): Promise<void>;
}

export interface LinkEndpointOptions<In> {
  readonly transport: LinkTransport;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly settings: LinkSettings;
  /** Checks what we are asked to send, with the peer's validator for our direction. */
  readonly validateOutbound: (fields: Fields) => Validation<{ readonly type: string }>;
  /** Message types the caller may not send: the link sends them itself. */
  readonly linkTypes: readonly string[];
  /**
   * Called once per intact, valid, new frame, one at a time, before the frame is acked; its
   * answer becomes the ack. Must answer well within the peer's ack timeout.
   */
  readonly handler: (message: In) => Acceptance | Promise<Acceptance>;
}

/** Naks written but not yet out: beyond this, a flood of garbage gets no more naks. */
const MAX_PENDING_NAKS = 4;

export function createLinkEndpoint<In, Out extends { readonly type: string }>(
  options: LinkEndpointOptions<In>,
): LinkEndpoint<Out> {
  const { transport, settings } = options;
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger()).child({
    module: "register-link",
    device: transport.description,
  });
  // A register can repeat a link event without end (a new session at every hello): the log
  // keeps a few of each kind per window and says how many it left out.
  const limited = createLogLimiter(logger, { clock });
  const reader = new FrameReader();
  const timers = new Map<TimerName, TimerHandle>();
  const pending = new Map<number, { resolve: (r: SendResult) => void; reject: (e: Error) => void }>();
  const listeners = new Set<StateListener>();
  const traffic = new Set<TrafficListener>();
  const inputs: LinkInput[] = [];
  let state = initialState();
  let running = false;
  let nextId = 1;
  let pendingNaks = 0;

  function dispatch(input: LinkInput): void {
    inputs.push(input);
    if (running) return;
    running = true;
    try {
      for (let next = inputs.shift(); next !== undefined; next = inputs.shift()) {
        const before = reportedState(state);
        const result = step(state, next, settings);
        state = result.state;
        for (const effect of result.effects) perform(effect);
        const after = reportedState(state);
        if (after !== before) notify(after, before);
      }
    } finally {
      running = false;
    }
  }

  function observe(event: TrafficEvent): void {
    for (const listener of [...traffic]) {
      try {
        listener(event);
      } catch (error) {
        limited.log("error", { err: error }, "traffic listener failed");
      }
    }
  }

  function notify(after: LinkState, before: LinkState): void {
    limited.log("info", { state: after, previous: before, peer: state.peer?.id }, `register link ${after}`);
    for (const listener of [...listeners]) {
      try {
        listener(after, before);
      } catch (error) {
        limited.log("error", { err: error }, "state listener failed");
      }
    }
  }

  function setTimer(timer: TimerName, ms: number): void {
    clock.clearTimeout(timers.get(timer));
    timers.set(
      timer,
      clock.setTimeout(() => {
        timers.delete(timer);
        dispatch({ type: "timeout", timer });
      }, ms),
    );
  }

  function clearTimer(timer: TimerName): void {
    clock.clearTimeout(timers.get(timer));
    timers.delete(timer);
  }

  function writeFrame(
    frame: Fields,
    track: { seq: number; attempt: number } | undefined,
    droppable: boolean,
  ): void {
    if (droppable && pendingNaks >= MAX_PENDING_NAKS) return;
    if (droppable) pendingNaks++;
    if (traffic.size > 0) observe({ direction: "out", frame });
    transport.write(encodeFrame(frame)).then(
      () => {
        if (droppable) pendingNaks--;
        if (track !== undefined) dispatch({ type: "written", ...track });
      },
      (error: unknown) => {
        if (droppable) pendingNaks--;
        limited.log("debug", { err: errorMessage(error) }, "write failed");
      },
    );
  }

  function deliver(seq: number, message: In): void {
    Promise.resolve()
      .then(() => options.handler(message))
      .catch((error: unknown) => {
        limited.log("error", { err: error, seq }, "message handler failed");
        return refuse(
          "INTERNAL_ERROR",
          "the receiver failed while processing this message; nothing was done",
        );
      })
      .then(
        (acceptance) => dispatch({ type: "delivered", seq, acceptance }),
        () => undefined,
      );
  }

  function perform(effect: LinkEffect): void {
    switch (effect.type) {
      case "write":
        writeFrame(effect.frame, effect.track, effect.droppable === true);
        return;
      case "setTimer":
        setTimer(effect.timer, effect.ms);
        return;
      case "clearTimer":
        clearTimer(effect.timer);
        return;
      case "deliver":
        deliver(effect.seq, effect.message as In);
        return;
      case "settle":
        pending.get(effect.id)?.resolve(effect.result);
        pending.delete(effect.id);
        return;
      case "fail":
        pending.get(effect.id)?.reject(registerLinkError(effect.code, effect.message));
        pending.delete(effect.id);
        return;
      case "reopen":
        transport.reopen(effect.reason);
        return;
      case "log":
        limited.log(effect.level, effect.fields ?? {}, effect.msg);
        return;
    }
  }

  function badMessage(message: string): Promise<SendResult> {
    return Promise.reject(registerLinkError("REGISTER_BAD_MESSAGE" satisfies RegisterLinkErrorCode, message));
  }

  return {
    get state() {
      return reportedState(state);
    },
    get peer() {
      return state.peer ?? undefined;
    },
    get counters() {
      return state.counters;
    },
    start() {
      if (state.phase.name !== "closed") return;
      dispatch({ type: "start" });
      transport.start({
        onOpen: () => {
          reader.reset();
          dispatch({ type: "opened" });
        },
        onData: (chunk) =>
          reader.push(chunk, (line) => {
            if (traffic.size > 0) {
              observe(
                line.kind === "frame"
                  ? { direction: "in", frame: line.value }
                  : { direction: "in", damaged: { code: line.code, reason: line.reason } },
              );
            }
            dispatch({ type: "line", line });
          }),
        onClose: (reason) => dispatch({ type: "closed", reason }),
      });
    },
    async stop() {
      dispatch({ type: "stop" });
      for (const timer of [...timers.keys()]) clearTimer(timer);
      limited.close();
      await transport.stop();
    },
    send(message) {
      const fields = { ...(message as unknown as Fields) };
      delete fields.v;
      delete fields.seq;
      if (options.linkTypes.includes(message.type))
        return badMessage(`${message.type} is sent by the link itself`);
      const checked = options.validateOutbound({ v: PROTOCOL_VERSION, ...fields });
      if (!checked.ok) return badMessage(`${checked.code}: ${checked.message}`);
      if (encodeFrame({ v: PROTOCOL_VERSION, seq: MAX_SEQ, ...fields }).length > MAX_FRAME_BYTES) {
        return badMessage(`the ${message.type} message does not fit in ${MAX_FRAME_BYTES} bytes`);
      }
      const id = nextId++;
      const result = new Promise<SendResult>((resolve, reject) => pending.set(id, { resolve, reject }));
      dispatch({ type: "send", id, message: fields });
      return result;
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onTraffic(listener) {
      traffic.add(listener);
      return () => traffic.delete(listener);
    },
    waitForState(wanted, timeoutMs) {
      if (reportedState(state) === wanted) return Promise.resolve();
      return new Promise((resolve, reject) => {
        let timer: TimerHandle | undefined;
        const off = this.onStateChange((now) => {
          if (now !== wanted) return;
          off();
          clock.clearTimeout(timer);
          resolve();
        });
        if (timeoutMs !== undefined) {
          timer = clock.setTimeout(() => {
            off();
            reject(
              registerLinkError(
                "REGISTER_DOWN",
                `the register link did not become ${wanted} within ${timeoutMs} ms`,
              ),
            );
          }, timeoutMs);
        }
      });
    },
  };
}
