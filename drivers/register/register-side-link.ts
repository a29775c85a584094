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
import type { Fields, Validation } from "./validate-fields.js";

/**
 * The register's end of the cable, for the reference register (sim/register) and tests: the
 * same link layer as the agent's, with the roles swapped.
 */
export type RegisterSideLink = LinkEndpoint<RegisterCommand>;

export interface RegisterSideLinkOptions {
  readonly transport: LinkTransport;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** The hello's `id`, e.g. the register's serial number. */
  readonly id: string;
  readonly software: string;
  readonly ackTimeoutMs: number;
  readonly maxRetransmits: number;
  /** 0: never ping. */
  readonly heartbeatIntervalMs: number;
  /**
   * false: `send` puts any object with a `type` on the cable, valid or not — for tools that
   * test an agent's refusals (the reference register's `raw` command). Default true.
   */
  readonly checkOutbound?: boolean;
  /**
   * false: no `session` in hello, like a register that follows only the v1 contract (its
   * restarts are told apart from retransmitted hellos by time alone). Default true.
   */
  readonly session?: boolean;
  /** Source of each hello's `session`; default the system's (the simulation plugs a seeded one). */
  readonly randomBytes?: RandomBytes;
  /** Called once per valid, new sale or receipt report from the agent, before it is acked. */
  readonly handler: (message: AgentReport) => Acceptance | Promise<Acceptance>;
}

function anyTypedObject(fields: Fields): Validation<{ readonly type: string }> {
  return typeof fields.type === "string"
    ? { ok: true, message: fields as { readonly type: string } }
    : { ok: false, code: "BAD_FIELD", message: "type: expected a string" };
}

export function createRegisterSideLink(options: RegisterSideLinkOptions): RegisterSideLink {
  return createLinkEndpoint<AgentReport, RegisterCommand>({
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
        role: "register",
        id: options.id,
        software: options.software,
      },
      newSession: options.session === false ? null : () => randomSession(options.randomBytes),
      validate: validateAgentMessage,
    },
    validateOutbound: options.checkOutbound === false ? anyTypedObject : validateRegisterMessage,
    linkTypes: ["hello", "ping", "pong"],
    handler: options.handler,
  });
}
