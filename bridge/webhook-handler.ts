import type { IncomingMessage } from "node:http";
import type { IClientPublishOptions } from "mqtt";
import { webhookDateProblem } from "../lib/webhook-date.js";
import { signingSecretIndexes } from "../lib/webhook-signature.js";
import type { Clock } from "../lib/clock.js";
import { AgentError, isAgentError, errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import {
  CHECK_IN_EVENT,
  TOPIC_QOS,
  encodeEnvelope,
  routeWebhook,
  tillTopic,
  unroutedTopic,
  type WebhookRoute,
} from "../lib/mqtt-contract/index.js";
import type { BrokerPublisher } from "./broker-publisher.js";
import type { Histogram } from "../lib/prometheus.js";
import type { BridgeCounters } from "./counters.js";
import { readBody } from "./read-body.js";
import type { BridgeErrorCode } from "./settings.js";
import { signedForMsn, type WebhookSecret } from "./webhook-secrets.js";

/**
 * One webhook delivery, in the order Vipps' rules demand (docs/vipps-api.md §5.3, §5.5):
 * read the raw bytes (413 over the limit) → verify the HMAC on exactly those bytes against the
 * registered URL, before anything else (401, nothing published) → the signed `x-ms-date` within
 * its window (401: a replay of an old delivery; webhook-date.ts) → parse JSON (400) → route →
 * the MSN it names must be the one a signing secret is bound to (403; webhook-secrets.ts) →
 * publish the envelope QoS 1 and wait for the PUBACK → 200; no PUBACK → 503 so Vipps retries.
 */
export interface WebhookDeps {
  readonly publicUrl: string;
  readonly secrets: readonly WebhookSecret[];
  readonly topicPrefix: string;
  readonly maxBodyBytes: number;
  readonly publishTimeoutMs: number;
  readonly protocolVersion: 4 | 5;
  readonly publisher: BrokerPublisher;
  readonly counters: BridgeCounters;
  /** Seconds from publish to PUBACK of the envelopes the broker acknowledged. */
  readonly publishSeconds: Histogram;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface WebhookAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A check-in's customer token lives 15 minutes (docs/vipps-api.md §4): let an MQTT 5 broker drop it after that. */
const CHECK_IN_EXPIRY_SECONDS = 900;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

function refuse(deps: WebhookDeps, status: number, code: BridgeErrorCode, message: string): WebhookAnswer {
  deps.counters.rejected += 1;
  return { status, body: { error: code, message } };
}

export async function handleWebhook(req: IncomingMessage, deps: WebhookDeps): Promise<WebhookAnswer> {
  deps.counters.received += 1;
  let rawBody: Buffer;
  try {
    rawBody = await readBody(req, deps.maxBodyBytes);
  } catch (error) {
    if (isAgentError(error, "BRIDGE_BODY_TOO_LARGE")) {
      deps.log.warn({ limit: deps.maxBodyBytes }, "webhook refused: body too large");
      return refuse(deps, 413, "BRIDGE_BODY_TOO_LARGE", error.message);
    }
    throw error;
  }

  const headers = {
    "x-ms-date": header(req, "x-ms-date"),
    "x-ms-content-sha256": header(req, "x-ms-content-sha256"),
    authorization: header(req, "authorization"),
  };
  const signers = signingSecretIndexes({
    secrets: deps.secrets.map((s) => s.secret),
    registeredUrl: deps.publicUrl,
    rawBody,
    headers,
  }).map((index) => deps.secrets[index] as WebhookSecret);
  if (signers.length === 0) {
    deps.log.warn(
      {
        remote: req.socket.remoteAddress,
        signed: headers.authorization !== undefined,
        bytes: rawBody.length,
      },
      "webhook refused: signature missing or invalid",
    );
    return refuse(deps, 401, "BRIDGE_BAD_SIGNATURE", "signature missing or invalid");
  }
  deps.counters.verified += 1;
  // The signature proved the header is present (and that whoever signed it chose this date).
  const xMsDate = headers["x-ms-date"] ?? "";
  const dateProblem = webhookDateProblem(xMsDate, deps.clock.now());
  if (dateProblem !== undefined) {
    deps.log.warn(
      { remote: req.socket.remoteAddress, xMsDate: xMsDate.slice(0, 64), problem: dateProblem },
      "webhook refused: signed, but its date is outside the accepted window (a replay?)",
    );
    return refuse(deps, 401, "BRIDGE_BAD_DATE", dateProblem);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString("utf8"));
  } catch {
    deps.log.warn({ bytes: rawBody.length }, "webhook refused: body is not JSON");
    return refuse(deps, 400, "BRIDGE_BAD_JSON", "body is not valid JSON");
  }

  const route = routeWebhook(payload);
  if (!signedForMsn(signers, route.msn)) {
    deps.log.warn(
      { remote: req.socket.remoteAddress, msn: route.msn, signedFor: signers.map((s) => s.msn) },
      "webhook refused: signed with another sales unit's secret",
    );
    return refuse(deps, 403, "BRIDGE_WRONG_MSN", "signed with a secret of another sales unit");
  }
  const topic = route.routed
    ? tillTopic(deps.topicPrefix, route.msn, route.tillId, "webhook")
    : unroutedTopic(deps.topicPrefix, route.msn);
  const envelope = encodeEnvelope({
    receivedAt: new Date(deps.clock.now()),
    registeredUrl: deps.publicUrl,
    // verifyWebhookSignature proved all three are present.
    headers: headers as { "x-ms-date": string; "x-ms-content-sha256": string; authorization: string },
    rawBody,
    route: routeInfo(route),
  });

  const publishStarted = deps.clock.monotonic();
  try {
    await deps.publisher.publish(
      topic,
      envelope,
      publishOptions(deps.protocolVersion, route),
      deps.publishTimeoutMs,
    );
  } catch (error) {
    deps.counters.failed += 1;
    const code: BridgeErrorCode = isAgentError<BridgeErrorCode>(error)
      ? error.code
      : "BRIDGE_BROKER_UNAVAILABLE";
    deps.log.error(
      { topic, code, err: errorMessage(error) },
      "webhook not acknowledged by the broker; answering 503 so Vipps retries",
    );
    return { status: 503, body: { error: code, message: "broker unavailable, retry later" } };
  }
  deps.publishSeconds.observe((deps.clock.monotonic() - publishStarted) / 1000);
  deps.counters.published += 1;
  if (!route.routed) {
    deps.counters.unrouted += 1;
    deps.log.warn(
      { topic, msn: route.msn, event: route.event, reason: route.reason },
      "webhook unroutable: published to the unrouted topic",
    );
    return { status: 200, body: { status: "unrouted" } };
  }
  deps.log.info({ topic, event: route.event }, "webhook published");
  return { status: 200, body: { status: "published" } };
}

function routeInfo(route: WebhookRoute): Record<string, string> {
  if (route.routed) return { msn: route.msn, tillId: route.tillId, event: route.event };
  return {
    ...(route.msn === undefined ? {} : { msn: route.msn }),
    ...(route.event === undefined ? {} : { event: route.event }),
    reason: route.reason,
  };
}

function publishOptions(protocolVersion: 4 | 5, route: WebhookRoute): IClientPublishOptions {
  const kind = route.routed ? "webhook" : "unrouted";
  const options: IClientPublishOptions = { qos: TOPIC_QOS[kind].qos, retain: TOPIC_QOS[kind].retain };
  if (protocolVersion === 5) {
    options.properties = {
      contentType: "application/json",
      ...(route.routed && route.event === CHECK_IN_EVENT
        ? { messageExpiryInterval: CHECK_IN_EXPIRY_SECONDS }
        : {}),
    };
  }
  return options;
}

/** For the server: an unexpected failure while handling a webhook is a 500, never a crash. */
export function internalError(error: unknown): WebhookAnswer {
  return {
    status: 500,
    body: { error: "INTERNAL", message: error instanceof AgentError ? error.message : "internal error" },
  };
}
