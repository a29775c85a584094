import { AgentError } from "../../lib/errors.js";

/**
 * Codes of the `AgentError`s this driver throws or rejects with (the codes on the wire, in a
 * refusing ack, are `RegisterErrorCode` in messages.ts).
 *
 * - REGISTER_DOWN: the link is not up (not opened, handshaking, or it went down while the
 *   message waited or was in flight). The message may or may not have reached the register.
 * - REGISTER_UNREACHABLE: the frame was sent 1 + maxRetransmits times without an ack.
 * - REGISTER_BAD_MESSAGE: a message we were asked to send breaks the protocol (a bug in the
 *   caller); nothing was sent.
 * - REGISTER_PORT_CLOSED: a write while the serial device is not open.
 * - REGISTER_WRITE_FAILED: the device refused or did not take the bytes in time; the transport
 *   drops the device and reopens it.
 */
export type RegisterLinkErrorCode =
  | "REGISTER_DOWN"
  | "REGISTER_UNREACHABLE"
  | "REGISTER_BAD_MESSAGE"
  | "REGISTER_PORT_CLOSED"
  | "REGISTER_WRITE_FAILED";

export type RegisterLinkError = AgentError<RegisterLinkErrorCode>;

export function registerLinkError(
  code: RegisterLinkErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): RegisterLinkError {
  return new AgentError(code, message, options);
}
