import { onDelivered, onLine } from "./link-inbound.js";
import type { LinkInput, LinkSettings, MachineState } from "./link-state.js";
import { endSession, giveUp, pump, retransmitOrGiveUp, sendHello, type Step } from "./link-session.js";

/**
 * The link layer of protocol v1 as a pure function (docs/register-protocol.md §3):
 * stop-and-wait sending with ack timeout and retransmissions, naks answered by an immediate
 * retransmission, refusing acks, duplicate suppression over the last 64 seqs, the hello
 * exchange, and a heartbeat ping. Same code on both ends; `settings.validate` decides which
 * direction's messages it accepts.
 */
export function step(state: MachineState, input: LinkInput, settings: LinkSettings): Step {
  const out: Step = { state, effects: [] };
  switch (input.type) {
    case "start":
      if (state.phase.name === "closed") out.state = { ...state, phase: { name: "opening" }, failing: false };
      break;
    case "stop":
      if (state.phase.name !== "closed") endSession(out, "closed", "the link was stopped");
      break;
    case "opened":
      if (state.phase.name !== "closed") sendHello(out, settings, false);
      break;
    case "closed":
      if (state.phase.name !== "closed" && state.phase.name !== "opening")
        endSession(out, "opening", `device closed: ${input.reason}`);
      break;
    case "line":
      if (state.phase.name === "handshaking" || state.phase.name === "up") onLine(out, input.line, settings);
      break;
    case "send":
      if (state.phase.name !== "up") {
        out.effects.push({
          type: "fail",
          id: input.id,
          code: "REGISTER_DOWN",
          message: `the register link is ${state.phase.name}`,
        });
      } else {
        out.state = {
          ...state,
          queue: [...state.queue, { id: input.id, kind: "report", message: input.message }],
        };
        pump(out);
      }
      break;
    case "written":
      if (state.inFlight?.seq === input.seq && state.inFlight.attempts === input.attempt) {
        out.effects.push({ type: "setTimer", timer: "ack", ms: settings.ackTimeoutMs });
      }
      break;
    case "delivered":
      onDelivered(out, input.seq, input.acceptance);
      break;
    case "timeout":
      if (input.timer === "ack" && state.inFlight !== null) retransmitOrGiveUp(out, settings, "no ack");
      if (input.timer === "handshake" && state.phase.name === "handshaking")
        giveUp(out, "no hello from the peer");
      if (input.timer === "settle" && state.phase.name === "up")
        out.state = { ...state, phase: { name: "up", settled: true } };
      if (input.timer === "heartbeat" && state.phase.name === "up") {
        if (state.inFlight === null && state.queue.length === 0) {
          out.state = { ...state, queue: [{ id: null, kind: "ping", message: { type: "ping" } }] };
          pump(out);
        } else {
          out.effects.push({ type: "setTimer", timer: "heartbeat", ms: settings.heartbeatIntervalMs });
        }
      }
      break;
  }
  return out;
}
