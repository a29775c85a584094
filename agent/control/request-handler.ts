import { errorMessage, isAgentError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { ControlApi } from "./api.js";
import { controlError } from "./errors.js";
import type { PeerCredentials } from "./peer-credentials.js";
import {
  CONTROL_METHODS,
  encodeError,
  encodeResult,
  parseRequest,
  type ControlMethod,
  type ControlRequest,
} from "./protocol.js";

/**
 * One request line in, one answer line out — never a throw. Methods this socket does not serve
 * are CONTROL_FORBIDDEN. A request that moves money is first tied to its sender as the kernel
 * names it (peer-credentials.ts) and written to the log with it, before the agent acts and
 * again with the outcome: what an auditor needs to answer "who refunded this?". A sender the
 * kernel cannot name is refused (CONTROL_PEER_UNKNOWN): no money moves unrecorded.
 */

/** Methods that move money. Always identified and logged, on whichever socket they arrive. */
export const MONEY_METHODS: readonly ControlMethod[] = ["refund"];

/** What the control socket (the service's group) serves: everything that does not move money. */
export const CONTROL_SOCKET_METHODS: readonly ControlMethod[] = CONTROL_METHODS.filter(
  (method) => !MONEY_METHODS.includes(method),
);

export interface RequestContext {
  readonly api: ControlApi;
  readonly log: Logger;
  /** Methods served on this socket. */
  readonly methods: readonly ControlMethod[];
  /** The sender of this connection, as the kernel recorded it at connect(). */
  readonly identifyPeer: () => Promise<PeerCredentials>;
  /** Ties the "requested" and "answered" log lines of one request together. */
  readonly requestId: number;
}

export async function handleLine(line: string, context: RequestContext): Promise<string> {
  const { log } = context;
  let request: ControlRequest;
  try {
    request = parseRequest(line);
  } catch (error) {
    const code = isAgentError(error) ? error.code : "CONTROL_BAD_REQUEST";
    log.info({ code }, "control request refused");
    return encodeError(code, errorMessage(error));
  }
  if (!context.methods.includes(request.method)) {
    log.info({ method: request.method, code: "CONTROL_FORBIDDEN" }, "control request refused");
    return encodeError(
      "CONTROL_FORBIDDEN",
      MONEY_METHODS.includes(request.method)
        ? `${request.method} is not served on this socket: money-moving requests go to the refund socket (control.refundSocketPath)`
        : `${request.method} is not served on this socket: it is for money-moving requests only; use control.socketPath`,
    );
  }
  if (!MONEY_METHODS.includes(request.method)) return answer(request, context);

  let peer: PeerCredentials;
  try {
    peer = await context.identifyPeer();
  } catch (error) {
    const refused = isAgentError(error) ? error : controlError("CONTROL_PEER_UNKNOWN", errorMessage(error));
    log.warn(
      {
        audit: request.method,
        requestId: context.requestId,
        ...request,
        code: refused.code,
        err: refused.message,
      },
      "money-moving request refused: the requester could not be identified; nothing was done",
    );
    return encodeError(refused.code, `${refused.message}; nothing was done`);
  }
  const audit = { audit: request.method, requestId: context.requestId, peer, ...request };
  log.info(audit, `${request.method} requested`);
  const response = await answer(request, context);
  const parsed = JSON.parse(response) as
    { ok: true; result: Record<string, unknown> } | { ok: false; error: { code: string } };
  log.info(
    parsed.ok
      ? {
          ...audit,
          outcome: "done",
          state: parsed.result.state,
          capturedAmount: parsed.result.capturedAmount,
          refundedAmount: parsed.result.refundedAmount,
        }
      : { ...audit, outcome: "refused", code: parsed.error.code },
    `${request.method} answered`,
  );
  return response;
}

/** Always resolves with a response line. */
async function answer(request: ControlRequest, { api, log }: RequestContext): Promise<string> {
  try {
    return encodeResult(await dispatch(api, request));
  } catch (error) {
    if (isAgentError(error)) {
      log.info({ method: request.method, code: error.code }, "control request failed");
      return encodeError(error.code, error.message);
    }
    log.error({ method: request.method, err: errorMessage(error) }, "control request failed unexpectedly");
    return encodeError(
      "CONTROL_INTERNAL",
      "the agent failed unexpectedly; its log has the details (journalctl -u pos-agent)",
    );
  }
}

async function dispatch(api: ControlApi, request: ControlRequest): Promise<unknown> {
  switch (request.method) {
    case "status":
      // Serialised here so a status that cannot be encoded fails this request, not the server.
      return JSON.parse(JSON.stringify(api.status())) as unknown;
    case "reprint":
      return api.reprint(request.sale);
    case "refund":
      return api.refund(request.reference, request.amount);
    case "refreshQr":
      await api.refreshQr();
      return null;
    case "print": {
      if (api.print === undefined)
        throw controlError("CONTROL_UNSUPPORTED", "this agent does not print documents for the CLI");
      // Loaded here, not at start-up: the printer driver brings its encoder and code page tables,
      // which a till without a printer never needs (it is loaded already when there is one).
      const { validateDocument } = await import("../../drivers/printer/index.js");
      validateDocument(request.document);
      return api.print(request.document);
    }
  }
}
