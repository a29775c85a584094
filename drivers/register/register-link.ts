import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import { createLinkEndpoint, type LinkEndpoint } from "./link-endpoint.js";
import type { Acceptance, AgentReport, RegisterCommand } from "./messages.js";
import { PROTOCOL_VERSION } from "./protocol.js";
import { randomSession } from "./session.js";
import type { RandomBytes } from "../../lib/random-bytes.js";
import type { LinkTransport } from "./transport.js";
import { validateAgentMessage } from "./validate-agent.js";
import { validateRegisterMessage } from "./validate-register.js";

/** The agent's end of the register cable. */
export type RegisterLink = LinkEndpoint<AgentReport>;

export interface RegisterLinkOptions {
  readonly transport: LinkTransport;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Sent in the agent's hello as `till`. */
  readonly tillId: string;
  /** The hello's `id`; default `pos-agent-<tillId>`. */
  readonly id?: string;
  /** The hello's `software`, e.g. "vipps-pos-agent/0.1.0". */
  readonly software: string;
  readonly ackTimeoutMs: number;
  readonly maxRetransmits: number;
  /** 0 disables the heartbeat (tests only: it is how a vanished device is noticed). */
  readonly heartbeatIntervalMs: number;
  /**
   * Called once for each intact, valid, non-duplicate basket/pay/cancel/refund/status, one at
   * a time, before the frame is acked; `{ ok: false, code, message }` becomes a refusing ack
   * and the register knows nothing was done. Must answer within the register's ack timeout
   * (1 s by default): record the request durably and return; do the slow work afterwards.
   * After a hello exchange a frame the previous session already delivered may come again, so
   * a repeated request for the same sale must be answered the same way.
   */
  readonly handler: (message: RegisterCommand) => Acceptance | Promise<Acceptance>;
  /** Source of each hello's `session`; default the system's (the simulation plugs a seeded one). */
  readonly randomBytes?: RandomBytes;
}

export function createRegisterLink(options: RegisterLinkOptions): RegisterLink {
  return createLinkEndpoint<RegisterCommand, AgentReport>({
    transport: options.transport,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    settings: {
      ackTimeoutMs: options.ackTimeoutMs,
      maxRetransmits: options.maxRetransmits,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      hello: {
        type: "hello",
        protocol: PROTOCOL_VERSION,
        role: "agent",
        id: options.id ?? `pos-agent-${options.tillId}`,
        software: options.software,
        till: options.tillId,
      },
      newSession: () => randomSession(options.randomBytes),
      validate: validateRegisterMessage,
    },
    validateOutbound: validateAgentMessage,
    linkTypes: ["hello", "ping", "pong"],
    handler: options.handler,
  });
}
