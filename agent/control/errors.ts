import { AgentError } from "../../lib/errors.js";

/**
 * Codes of the control socket itself. Errors of the agent's own operations (NOT_CAPTURED,
 * UNKNOWN_SALE, TIMEOUT …) travel through it unchanged and keep their codes.
 */
export type ControlErrorCode =
  /** The request is not one JSON object of a known shape (the message says which field). */
  | "CONTROL_BAD_REQUEST"
  | "CONTROL_UNKNOWN_METHOD"
  /** More than MAX_REQUEST_BYTES without a newline. */
  | "CONTROL_REQUEST_TOO_LARGE"
  /** The running agent does not offer this method (an older release, or no such part). */
  | "CONTROL_UNSUPPORTED"
  /** The agent failed in an unexpected way; its log has the details. */
  | "CONTROL_INTERNAL"
  /** The socket is serving as many requests as it may at once: nothing was done, try again. */
  | "CONTROL_BUSY"
  /** This socket does not serve the method (money-moving requests have a socket of their own). */
  | "CONTROL_FORBIDDEN"
  /** A money-moving request whose sender the kernel could not name: refused, nothing was done. */
  | "CONTROL_PEER_UNKNOWN"
  /** No agent listens on the socket (no file, or a stale one). */
  | "CONTROL_NOT_RUNNING"
  /** The socket exists but this user may not connect (not in the service's group). */
  | "CONTROL_PERMISSION_DENIED"
  /** No complete answer in time. For a refund the outcome is then unknown: check `status`. */
  | "CONTROL_TIMEOUT"
  /** The connection closed before a complete answer. */
  | "CONTROL_CONNECTION_LOST"
  /** The answer is not what the protocol says. */
  | "CONTROL_BAD_RESPONSE"
  /** Starting a server: another agent already listens on the socket path. */
  | "CONTROL_SOCKET_IN_USE"
  /** Starting a server: the path is taken by something that is not a socket, or is too long. */
  | "CONTROL_BAD_SOCKET_PATH";

export type ControlError = AgentError<ControlErrorCode>;

export function controlError(
  code: ControlErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): ControlError {
  return new AgentError(code, message, options);
}
