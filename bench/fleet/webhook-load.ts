import { Agent, request } from "node:http";
import { signWebhook } from "../../lib/webhook-signature.js";
import { checkInKey, paymentKey } from "./till-fleet.js";

/**
 * Webhooks as Vipps sends them, for a fleet of tills: signed with the registration's secret,
 * some repeated (Vipps retries, overlapping registrations) and sent to another bridge replica
 * than the first copy, and every non-2xx answer retried on the next replica the way Vipps keeps
 * retrying (docs/mqtt-contract.md §Delivery guarantees).
 */
export interface PlannedWebhook {
  readonly tillId: string;
  /** The effect key the till records for this event (till-fleet.ts). */
  readonly key: string;
  readonly body: Buffer;
  /** The replica the first attempt goes to. */
  readonly replica: number;
  readonly duplicate: boolean;
}

interface Attempt {
  readonly replica: number;
  /** performance.now() when the answer came. */
  readonly at: number;
  readonly status: number;
  /** The bridge's error code for a non-2xx answer (`BRIDGE_BROKER_UNAVAILABLE`, …). */
  readonly code?: string;
}

export interface Delivery {
  readonly webhook: PlannedWebhook;
  /** performance.now() when the first attempt left. */
  readonly sentAt: number;
  /** performance.now() of the first 2xx; undefined if none came. */
  readonly acceptedAt: number | undefined;
  readonly attempts: readonly Attempt[];
}

/**
 * `count` deliveries for `tills` (round robin): check-ins and ePayment events, one in
 * `duplicateEvery` a copy of an earlier delivery sent to the next replica.
 */
export function planWebhooks(p: {
  readonly tills: readonly { readonly msn: string; readonly tillId: string }[];
  readonly count: number;
  readonly duplicateEvery: number;
  readonly replicas: number;
  /** Distinguishes the events of separate runs against the same tills. */
  readonly runId: string;
}): PlannedWebhook[] {
  const planned: PlannedWebhook[] = [];
  const originals: PlannedWebhook[] = [];
  const now = new Date();
  const json = (payload: unknown): Buffer => Buffer.from(JSON.stringify(payload), "utf8");
  for (let n = 0; planned.length < p.count; n++) {
    if (planned.length % p.duplicateEvery === p.duplicateEvery - 1 && originals.length > 0) {
      const original = originals[Math.floor((originals.length - 1) / 2)] ?? originals[0];
      if (original !== undefined) {
        planned.push({ ...original, replica: (original.replica + 1) % p.replicas, duplicate: true });
        continue;
      }
    }
    const till = p.tills[n % p.tills.length];
    if (till === undefined) throw new Error("no tills");
    const replica = n % p.replicas;
    let webhook: PlannedWebhook;
    if (n % 3 === 0) {
      const customerToken = `${p.runId}-token-${n}`;
      webhook = {
        tillId: till.tillId,
        key: checkInKey(till.tillId, customerToken),
        body: json({
          customerToken,
          merchantQrId: till.tillId,
          msn: till.msn,
          // Vipps sends 7 fractional digits.
          initiatedAt: now.toISOString().replace(/Z$/, "0000Z"),
        }),
        replica,
        duplicate: false,
      };
    } else {
      const reference = `${till.tillId}-${p.runId}-${n}`;
      const name = n % 3 === 1 ? "AUTHORIZED" : "CAPTURED";
      const pspReference = `psp-${p.runId}-${n}`;
      webhook = {
        tillId: till.tillId,
        key: paymentKey(reference, name, pspReference),
        body: json({
          msn: till.msn,
          reference,
          pspReference,
          name,
          amount: { currency: "NOK", value: 4900 + (n % 100) },
          timestamp: now.toISOString(),
          idempotencyKey: `${reference}-create-1`,
          success: true,
        }),
        replica,
        duplicate: false,
      };
    }
    planned.push(webhook);
    originals.push(webhook);
  }
  return planned;
}

export interface SendOptions {
  /** Each replica's webhook URL. */
  readonly replicas: readonly string[];
  readonly secret: string;
  readonly registeredUrl: string;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** Start at most this many deliveries per second (undefined: as fast as they are answered). */
  readonly ratePerSecond?: number;
  /** Pause between a non-2xx answer and the retry (on the next replica). */
  readonly retryDelayMs?: number;
  /** Give up on a webhook after this long without a 2xx. */
  readonly giveUpAfterMs?: number;
  /** Called after every delivery started, with how many have started. */
  readonly onStarted?: (started: number) => void;
}

/**
 * Sends every planned webhook, retrying non-2xx answers, and reports what each got.
 *
 * Over node:http with a keep-alive agent, not fetch: in a profile of a small fleet run fetch
 * (undici, its web streams, an AbortSignal per request, a body written as an iterable in
 * several writes) was a third of this process's CPU — the load generator, not the fleet, was
 * what that CPU measured (issue 18).
 */
export async function sendWebhooks(planned: readonly PlannedWebhook[], o: SendOptions): Promise<Delivery[]> {
  // An idle kept-alive socket is closed here after 4 s, before the replica's server closes it
  // (node's keepAliveTimeout, 5 s): reusing one the server is closing would fail the attempt
  // with ECONNRESET, a failure of the sender's, not of the bridge.
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency, timeout: 4_000 });
  try {
    return await sendAll(planned, o, agent);
  } finally {
    agent.destroy();
  }
}

async function sendAll(
  planned: readonly PlannedWebhook[],
  o: SendOptions,
  agent: Agent,
): Promise<Delivery[]> {
  const deliveries: Delivery[] = new Array<Delivery>(planned.length);
  const startedAt = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < planned.length; i = next++) {
      const webhook = planned[i];
      if (webhook === undefined) continue;
      if (o.ratePerSecond !== undefined) {
        const due = startedAt + (i * 1000) / o.ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      o.onStarted?.(i + 1);
      deliveries[i] = await deliver(webhook, o, agent);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return deliveries;
}

async function deliver(webhook: PlannedWebhook, o: SendOptions, agent: Agent): Promise<Delivery> {
  const sentAt = performance.now();
  const attempts: Attempt[] = [];
  const giveUpAt = sentAt + (o.giveUpAfterMs ?? 120_000);
  for (let replica = webhook.replica; ; replica = (replica + 1) % o.replicas.length) {
    const answer = await post(o.replicas[replica] ?? "", webhook.body, o, agent);
    const at = performance.now();
    attempts.push({ replica, at, ...answer });
    if (answer.status >= 200 && answer.status < 300) return { webhook, sentAt, acceptedAt: at, attempts };
    if (at > giveUpAt) return { webhook, sentAt, acceptedAt: undefined, attempts };
    await new Promise((resolve) => setTimeout(resolve, o.retryDelayMs ?? 200));
  }
}

/** Gives up on an attempt that has no answer after this long (status 0, as a network error). */
const ATTEMPT_TIMEOUT_MS = 15_000;

function post(
  url: string,
  body: Buffer,
  o: SendOptions,
  agent: Agent,
): Promise<{ status: number; code?: string }> {
  // Signed per attempt, as Vipps does (x-ms-date is the attempt's time).
  const headers = signWebhook(o.secret, o.registeredUrl, body, new Date().toUTCString());
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": body.length, ...headers },
        timeout: ATTEMPT_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (error) => resolve({ status: 0, code: error.name }));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ status });
          let code: string | undefined;
          try {
            code = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { error?: string }).error;
          } catch {
            code = undefined;
          }
          resolve({ status, ...(code === undefined ? {} : { code }) });
        });
      },
    );
    req.on("timeout", () =>
      req.destroy(Object.assign(new Error("no answer in time"), { code: "SENDER_TIMEOUT" })),
    );
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ status: 0, code: error.code ?? error.name }));
    req.end(body);
  });
}
