import type { BackoffPolicy } from "../../lib/backoff.js";
import { parseRetryAfter } from "../../lib/backoff.js";
import { sleep, type Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import { errorFacts } from "./error-body.js";
import { codeForStatus, VippsError, type VippsErrorCode } from "./errors.js";
import type { AnswerHeaders, HttpExchange } from "./node-http-exchange.js";
import { redactText } from "./redact.js";
import {
  isConnectionRefused,
  isRetryable,
  retryDelay,
  type AttemptFailure,
  type RetryMode,
} from "./retry-policy.js";

/**
 * The one HTTP loop of the Vipps client, over an `HttpExchange` (node:http with a keep-alive
 * pool, node-http-exchange.ts):
 * - a fresh request per attempt (a used request cannot be sent again — the SDK's bug,
 *   docs/vipps-api.md §11), with the same headers, the same Idempotency-Key and the same body bytes;
 * - a per-attempt timeout covering headers and body (a timer, cleared when the answer is in);
 *   the shutdown signal aborts an attempt in flight too;
 * - retries per `RetryMode` with capped exponential backoff and full jitter, or Vipps'
 *   Retry-After, slept on the injected clock;
 * - redirects are not followed (the exchange never does): Vipps never redirects, and following
 *   one would hand client credentials to wherever it points;
 * - every failure becomes a `VippsError` whose message has been redacted.
 * It never logs headers or bodies: only operation, endpoint, status, attempt, timing, trace id.
 */
type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface CallSpec {
  /** e.g. `epayment.capture`. */
  readonly operation: string;
  /** Method and path template, for logs and errors (no ids). */
  readonly endpoint: string;
  readonly method: HttpMethod;
  /** Concrete path below the base URL, already encoded, with its query string. */
  readonly path: string;
  /** Authentication and call-specific headers (Idempotency-Key …). */
  readonly headers: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly form?: Readonly<Record<string, string>>;
  readonly retry: RetryMode;
  /** Values to scrub from error messages besides the client's own secrets. */
  readonly sensitive?: readonly string[];
  /** Non-2xx statuses handed back as results instead of thrown (CIBA's 400 poll answers). */
  readonly passStatuses?: readonly number[];
}

export interface CallResult {
  readonly status: number;
  readonly headers: AnswerHeaders;
  /** The parsed JSON body; undefined when empty or not JSON (see `text`). */
  readonly json: unknown;
  readonly text: string;
  readonly attempts: number;
}

export interface EngineOptions {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly backoff: BackoffPolicy;
  readonly maxRetryAfterMs: number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly exchange: HttpExchange;
  readonly logger: Logger;
  /** Aborts every call in flight and every backoff wait (agent shutdown). */
  readonly signal?: AbortSignal;
  /** Sent on every call: Vipps-System-*, Merchant-Serial-Number. */
  readonly commonHeaders: Readonly<Record<string, string>>;
  /** The client's secrets and current tokens, scrubbed from every message. */
  readonly secrets: () => readonly string[];
}

type Attempt =
  | { readonly ok: true; readonly status: number; readonly headers: AnswerHeaders; readonly text: string }
  | { readonly ok: false; readonly failure: AttemptFailure; readonly error: unknown };

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export class HttpEngine {
  constructor(private readonly options: EngineOptions) {}

  async send(spec: CallSpec): Promise<CallResult> {
    const { clock, logger, maxRetries } = this.options;
    const body = encodeBody(spec);
    for (let attempt = 0; ; attempt++) {
      if (this.options.signal?.aborted === true) throw this.aborted(spec, attempt);
      const started = clock.monotonic();
      const result = await this.attempt(spec, body, attempt + 1);
      const ms = Math.round(clock.monotonic() - started);
      let retryAfterMs: number | undefined;
      if (result.ok) {
        logger.debug(
          { op: spec.operation, endpoint: spec.endpoint, attempt: attempt + 1, status: result.status, ms },
          "vipps call",
        );
        if (
          (result.status >= 200 && result.status < 300) ||
          spec.passStatuses?.includes(result.status) === true
        ) {
          return {
            status: result.status,
            headers: result.headers,
            json: parseJson(result.text),
            text: result.text,
            attempts: attempt + 1,
          };
        }
        retryAfterMs = parseRetryAfter(result.headers.get("retry-after"), clock.now());
      }
      const failure: AttemptFailure = result.ok ? { kind: "status", status: result.status } : result.failure;
      if (attempt < maxRetries && isRetryable(spec.retry, failure)) {
        const delay = retryDelay(
          attempt,
          retryAfterMs,
          this.options.backoff,
          this.options.maxRetryAfterMs,
          this.options.random,
        );
        if (delay.waitMs !== undefined) {
          logger.warn(
            {
              op: spec.operation,
              endpoint: spec.endpoint,
              attempt: attempt + 1,
              failure: describeFailure(failure),
              waitMs: delay.waitMs,
            },
            "vipps call retrying",
          );
          try {
            await sleep(clock, delay.waitMs, this.options.signal);
          } catch {
            throw this.aborted(spec, attempt + 1);
          }
          continue;
        }
      }
      const error = result.ok
        ? this.statusError(spec, result, attempt + 1, retryAfterMs)
        : this.transportError(spec, result, attempt + 1);
      logger.warn({ op: spec.operation, endpoint: spec.endpoint, err: error.toJSON() }, "vipps call failed");
      throw error;
    }
  }

  /** The error for a non-2xx answer (also used by callers for statuses they let through). */
  statusError(
    spec: CallSpec,
    answer: { status: number; text: string },
    attempts: number,
    retryAfterMs?: number,
  ): VippsError {
    const facts = errorFacts(parseJson(answer.text));
    let code: VippsErrorCode = codeForStatus(answer.status);
    if (facts.oauthErrorCode === "old_app") code = "VIPPS_LOGIN_OLD_APP";
    if (facts.oauthErrorCode === "invalid_user") code = "VIPPS_LOGIN_INVALID_USER";
    const secrets = this.secretsFor(spec);
    const parts = [`${spec.operation}: HTTP ${answer.status}`];
    if (facts.vippsCode !== undefined) parts.push(` (Vipps error ${redactText(facts.vippsCode, secrets)})`);
    if (facts.oauthError !== undefined) parts.push(` ${redactText(facts.oauthError, secrets)}`);
    if (facts.oauthErrorCode !== undefined) parts.push(` (${redactText(facts.oauthErrorCode, secrets)})`);
    if (facts.title !== undefined) parts.push(`: ${redactText(facts.title, secrets)}`);
    if (facts.detail !== undefined) parts.push(` — ${redactText(facts.detail, secrets)}`);
    if (attempts > 1) parts.push(` [after ${attempts} attempts]`);
    return new VippsError(code, parts.join(""), {
      operation: spec.operation,
      endpoint: spec.endpoint,
      status: answer.status,
      attempts,
      ...(facts.vippsCode === undefined ? {} : { vippsCode: redactText(facts.vippsCode, secrets) }),
      ...(facts.traceId === undefined
        ? {}
        : { traceId: redactText(facts.traceId, secrets, { digits: false }) }),
      ...(facts.oauthError === undefined ? {} : { oauthError: redactText(facts.oauthError, secrets) }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  private transportError(
    spec: CallSpec,
    result: Extract<Attempt, { ok: false }>,
    attempts: number,
  ): VippsError {
    const info = { operation: spec.operation, endpoint: spec.endpoint, attempts };
    const tried = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    if (result.failure.kind === "timeout") {
      return new VippsError(
        "VIPPS_TIMEOUT",
        `${spec.operation}: no complete answer within ${this.options.timeoutMs} ms (${tried}); the outcome is unknown`,
        info,
      );
    }
    const refused = result.failure.kind === "network" && result.failure.refused;
    const what = refused
      ? "connection refused or host unreachable"
      : "connection failed or dropped; the outcome is unknown";
    return new VippsError("VIPPS_NETWORK", `${spec.operation}: ${what} (${tried})`, info, result.error);
  }

  private aborted(spec: CallSpec, attempts: number): VippsError {
    return new VippsError("VIPPS_ABORTED", `${spec.operation}: aborted (client shutting down)`, {
      operation: spec.operation,
      endpoint: spec.endpoint,
      attempts,
    });
  }

  private secretsFor(spec: CallSpec): readonly string[] {
    return [...this.options.secrets(), ...(spec.sensitive ?? [])];
  }

  private async attempt(
    spec: CallSpec,
    body: EncodedBody | undefined,
    attemptNumber: number,
  ): Promise<Attempt> {
    // One controller per attempt, fed by the timeout and the shutdown signal. (Not
    // AbortSignal.any: on Node 20 it leaks listeners on a long-lived signal. Not
    // AbortSignal.timeout: its timer cannot be cancelled, so every call would leave one
    // pending for timeoutMs after its answer.)
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.options.clock.setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`no answer within ${this.options.timeoutMs} ms`, "TimeoutError"));
    }, this.options.timeoutMs);
    const shutdown = this.options.signal;
    const onShutdown = (): void => controller.abort(shutdown?.reason);
    shutdown?.addEventListener("abort", onShutdown, { once: true });
    const headers: Record<string, string> = { ...this.options.commonHeaders, ...spec.headers };
    if (body !== undefined) headers["Content-Type"] = body.contentType;
    try {
      const answer = await this.options.exchange({
        url: `${this.options.baseUrl}${spec.path}`,
        method: spec.method,
        headers,
        ...(body === undefined ? {} : { body: body.text }),
        signal: controller.signal,
      });
      return { ok: true, status: answer.status, headers: answer.headers, text: answer.text };
    } catch (error) {
      if (shutdown?.aborted === true) throw this.aborted(spec, attemptNumber);
      if (timedOut) return { ok: false, failure: { kind: "timeout" }, error };
      return { ok: false, failure: { kind: "network", refused: isConnectionRefused(error) }, error };
    } finally {
      this.options.clock.clearTimeout(timer);
      shutdown?.removeEventListener("abort", onShutdown);
    }
  }
}

interface EncodedBody {
  readonly contentType: string;
  readonly text: string;
}

/** Serialised once per call, so every attempt sends the very same bytes. */
function encodeBody(spec: CallSpec): EncodedBody | undefined {
  if (spec.json !== undefined) return { contentType: "application/json", text: JSON.stringify(spec.json) };
  if (spec.form !== undefined)
    return {
      contentType: "application/x-www-form-urlencoded",
      text: new URLSearchParams(spec.form).toString(),
    };
  return undefined;
}

function describeFailure(failure: AttemptFailure): string {
  if (failure.kind === "status") return `HTTP ${failure.status}`;
  if (failure.kind === "timeout") return "timeout";
  return failure.refused ? "connection refused" : "connection dropped";
}
