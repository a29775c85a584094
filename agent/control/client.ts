import { createConnection } from "node:net";
import { AgentError, errorMessage } from "../../lib/errors.js";
import { controlError } from "./errors.js";
import {
  encodeRequest,
  MAX_RESPONSE_BYTES,
  parseResponse,
  type ControlRequest,
  type ControlResults,
} from "./protocol.js";

export interface ControlRequestOptions {
  /**
   * The whole exchange (connect, ask, answer), ms. A refund waits for Vipps, so give it more
   * than the agent's own Vipps timeouts; a status needs a second or two.
   */
  readonly timeoutMs: number;
}

/**
 * Sends one request to the running agent and resolves with its validated result. Rejects
 * with an AgentError: the agent's own code when it refused (NOT_CAPTURED, UNKNOWN_SALE …), or
 * CONTROL_NOT_RUNNING (no socket, or nobody listening), CONTROL_PERMISSION_DENIED,
 * CONTROL_TIMEOUT (the outcome is unknown), CONTROL_CONNECTION_LOST, CONTROL_BAD_RESPONSE.
 */
export function controlRequest<R extends ControlRequest>(
  socketPath: string,
  request: R,
  options: ControlRequestOptions,
): Promise<ControlResults[R["method"]]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = createConnection(socketPath);
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const fail = (error: Error): void => finish(() => reject(error));
    const timer = setTimeout(
      () =>
        fail(
          controlError(
            "CONTROL_TIMEOUT",
            `the agent did not answer ${request.method} within ${options.timeoutMs} ms`,
          ),
        ),
      options.timeoutMs,
    );

    socket.once("connect", () => socket.write(encodeRequest(request)));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") {
        fail(
          controlError("CONTROL_NOT_RUNNING", `the agent is not running (nothing listens on ${socketPath})`, {
            cause: error,
          }),
        );
      } else if (error.code === "EACCES" || error.code === "EPERM") {
        fail(
          controlError("CONTROL_PERMISSION_DENIED", `not allowed to connect to ${socketPath}`, {
            cause: error,
          }),
        );
      } else {
        fail(
          controlError("CONTROL_CONNECTION_LOST", `the control connection failed: ${errorMessage(error)}`, {
            cause: error,
          }),
        );
      }
    });
    socket.on("data", (chunk: Buffer) => {
      const newline = chunk.indexOf(0x0a);
      const part = newline === -1 ? chunk : chunk.subarray(0, newline);
      size += part.length;
      if (size > MAX_RESPONSE_BYTES) {
        fail(
          controlError(
            "CONTROL_BAD_RESPONSE",
            `the agent's answer is longer than ${MAX_RESPONSE_BYTES} bytes`,
          ),
        );
        return;
      }
      chunks.push(part);
      if (newline === -1) return;
      const line = Buffer.concat(chunks).toString("utf8");
      try {
        const response = parseResponse<R["method"]>(request.method, line);
        if (response.ok) {
          const result = response.result;
          finish(() => resolve(result));
        } else {
          fail(new AgentError(response.error.code, response.error.message));
        }
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.once("close", () =>
      fail(controlError("CONTROL_CONNECTION_LOST", "the agent closed the connection without an answer")),
    );
  });
}
