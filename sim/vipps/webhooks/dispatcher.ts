import { randomUuid, systemRandomBytes, type RandomBytes } from "../../../lib/random-bytes.js";
import { sleep, type Clock, type TimerHandle } from "../../../lib/clock.js";
import type { Logger } from "../../../lib/log.js";
import { signWebhook } from "../../../lib/webhook-signature.js";
import { simError } from "../errors.js";
import type { PostOutcome } from "./http-post.js";
import type { WebhookRegistration, WebhookRegistry } from "./registry.js";

interface DeliveryAttempt {
  /** ISO time on the simulator's clock. */
  readonly at: string;
  readonly status?: number;
  readonly error?: string;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly registrationId: string;
  readonly url: string;
  readonly event: string;
  /** The exact bytes sent (UTF-8 JSON). */
  readonly body: string;
  /** `pending` until a 2xx; `failed` after the last retry; `cancelled` when the registration was deleted. */
  readonly state: "pending" | "delivered" | "failed" | "cancelled";
  readonly attempts: readonly DeliveryAttempt[];
  /** Set on a copy made by the duplicate-delivery fault. */
  readonly duplicateOf?: string;
}

/** Network faults between Vipps and the webhook receiver. */
export interface WebhookFaults {
  /** Extra wait before the first attempt of every delivery, ms. */
  readonly delayMs?: number;
  /** Probability 0–1 that an event is delivered twice. */
  readonly duplicateRate?: number;
  /**
   * Swap consecutive events of a registration: each event is held until the next one has been
   * queued (or `reorderWindowMs` passed), then queued after it.
   */
  readonly reorder?: boolean;
  readonly reorderWindowMs?: number;
}

export type PostFn = (
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
  signal: AbortSignal,
) => Promise<PostOutcome>;

type MutableRecord = { -readonly [K in keyof DeliveryRecord]: DeliveryRecord[K] };

interface Lane {
  readonly registration: WebhookRegistration;
  readonly queue: MutableRecord[];
  busy: boolean;
  deleted: boolean;
  held?: MutableRecord;
  holdTimer?: TimerHandle;
}

function validateWebhookFaults(value: unknown): WebhookFaults {
  if (typeof value !== "object" || value === null)
    throw simError("SIM_BAD_REQUEST", "webhook faults must be an object");
  const v = value as Record<string, unknown>;
  const nonNegative = (x: unknown): boolean =>
    x === undefined || (typeof x === "number" && Number.isFinite(x) && x >= 0);
  if (!nonNegative(v.delayMs) || !nonNegative(v.reorderWindowMs))
    throw simError("SIM_BAD_REQUEST", "delayMs and reorderWindowMs are milliseconds ≥ 0");
  if (!nonNegative(v.duplicateRate) || (v.duplicateRate as number) > 1)
    throw simError("SIM_BAD_REQUEST", "duplicateRate is a probability from 0 to 1");
  if (v.reorder !== undefined && typeof v.reorder !== "boolean")
    throw simError("SIM_BAD_REQUEST", "reorder is a boolean");
  return v;
}

/**
 * Delivers webhook events the way Vipps does (docs/vipps-api.md §5.2–5.3): HMAC-signed with the
 * registration's secret (re-signed with a fresh `x-ms-date` on every attempt — Vipps does not
 * document whether it does), 2xx within the timeout or it is retried on the configured
 * schedule, strictly in order per registration: a failing event blocks the ones behind it.
 */
export class WebhookDispatcher {
  private readonly lanes = new Map<string, Lane>();
  private readonly records: MutableRecord[] = [];
  private faults: WebhookFaults = {};

  constructor(
    private readonly deps: {
      readonly registry: WebhookRegistry;
      readonly clock: Clock;
      readonly random: () => number;
      readonly retryDelaysMs: readonly number[];
      readonly timeoutMs: number;
      readonly post: PostFn;
      readonly logger: Logger;
      readonly lifetime: AbortSignal;
      /** Source of event ids; default the system's (the simulation seeds it). */
      readonly randomBytes?: RandomBytes;
    },
  ) {}

  setFaults(faults: WebhookFaults): void {
    this.faults = validateWebhookFaults(faults);
  }

  currentFaults(): WebhookFaults {
    return { ...this.faults };
  }

  /** Queues `payload` for every registration of `msn` subscribed to `event`; returns the delivery ids. */
  publish(msn: string, event: string, payload: unknown): string[] {
    const body = JSON.stringify(payload);
    const ids: string[] = [];
    for (const registration of this.deps.registry.subscribers(msn, event)) {
      const record = this.newRecord(registration, event, body);
      ids.push(record.id);
      const copies = [record];
      if (this.deps.random() < (this.faults.duplicateRate ?? 0))
        copies.push(this.newRecord(registration, event, body, record.id));
      for (const copy of copies) this.enqueue(this.lane(registration), copy);
    }
    return ids;
  }

  deliveries(): DeliveryRecord[] {
    return this.records.map((r) => ({ ...r, attempts: [...r.attempts] }));
  }

  /** Called when a registration is deleted: its queued deliveries are dropped. */
  registrationDeleted(id: string): void {
    const lane = this.lanes.get(id);
    if (lane === undefined) return;
    lane.deleted = true;
    this.deps.clock.clearTimeout(lane.holdTimer);
    for (const r of [...lane.queue, ...(lane.held === undefined ? [] : [lane.held])])
      if (r.state === "pending") r.state = "cancelled";
    this.lanes.delete(id);
  }

  /** Stops everything on the clock (held reorder slots); in-flight attempts end with `lifetime`. */
  close(): void {
    for (const lane of this.lanes.values()) this.deps.clock.clearTimeout(lane.holdTimer);
  }

  private newRecord(
    registration: WebhookRegistration,
    event: string,
    body: string,
    duplicateOf?: string,
  ): MutableRecord {
    const record: MutableRecord = {
      id: randomUuid(this.deps.randomBytes ?? systemRandomBytes),
      registrationId: registration.id,
      url: registration.url,
      event,
      body,
      state: "pending",
      attempts: [],
      ...(duplicateOf === undefined ? {} : { duplicateOf }),
    };
    this.records.push(record);
    if (this.records.length > 10_000) this.records.splice(0, this.records.length - 10_000);
    return record;
  }

  private lane(registration: WebhookRegistration): Lane {
    let lane = this.lanes.get(registration.id);
    if (lane === undefined) {
      lane = { registration, queue: [], busy: false, deleted: false };
      this.lanes.set(registration.id, lane);
    }
    return lane;
  }

  private enqueue(lane: Lane, record: MutableRecord): void {
    if (this.faults.reorder === true) {
      if (lane.held === undefined) {
        lane.held = record;
        lane.holdTimer = this.deps.clock.setTimeout(
          () => this.release(lane),
          this.faults.reorderWindowMs ?? 1_000,
        );
        return;
      }
      lane.queue.push(record);
      this.release(lane);
      return;
    }
    lane.queue.push(record);
    this.pump(lane);
  }

  private release(lane: Lane): void {
    this.deps.clock.clearTimeout(lane.holdTimer);
    if (lane.held !== undefined) lane.queue.push(lane.held);
    delete lane.held;
    delete lane.holdTimer;
    this.pump(lane);
  }

  private pump(lane: Lane): void {
    if (lane.busy || lane.deleted || this.deps.lifetime.aborted || lane.queue.length === 0) return;
    lane.busy = true;
    this.run(lane).catch((error: unknown) =>
      this.deps.logger.error({ err: String(error) }, "webhook lane failed"),
    );
  }

  private async run(lane: Lane): Promise<void> {
    const { clock, lifetime } = this.deps;
    const record = lane.queue[0];
    if (record === undefined) return;
    try {
      if (record.attempts.length === 0 && (this.faults.delayMs ?? 0) > 0)
        await sleep(clock, this.faults.delayMs ?? 0, lifetime);
      for (;;) {
        if (lane.deleted) return;
        const outcome = await this.attempt(lane.registration, record);
        if (lane.deleted) return;
        if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
          record.state = "delivered";
          break;
        }
        const delay = this.deps.retryDelaysMs[record.attempts.length - 1];
        if (delay === undefined) {
          record.state = "failed";
          this.deps.logger.warn(
            { event: record.event, registrationId: record.registrationId },
            "webhook delivery given up",
          );
          break;
        }
        await sleep(clock, delay, lifetime);
      }
    } catch {
      return; // the simulator closed while waiting
    }
    lane.queue.shift();
    lane.busy = false;
    this.pump(lane);
  }

  private async attempt(registration: WebhookRegistration, record: MutableRecord): Promise<PostOutcome> {
    const now = this.deps.clock.now();
    const body = Buffer.from(record.body, "utf8");
    const signature = signWebhook(registration.secret, registration.url, body, new Date(now).toUTCString());
    const headers = { "content-type": "application/json", ...signature };
    const outcome = await this.deps.post(
      registration.url,
      headers,
      body,
      this.deps.timeoutMs,
      this.deps.lifetime,
    );
    record.attempts = [...record.attempts, { at: new Date(now).toISOString(), ...outcome }];
    return outcome;
  }
}
