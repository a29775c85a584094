import { randomUuid, systemRandomBytes, type RandomBytes } from "../../../lib/random-bytes.js";
import { registrationLimit, WEBHOOK_EVENTS } from "./events.js";
import { webhookUrlProblem } from "./url-rule.js";

export interface WebhookRegistration {
  readonly id: string;
  readonly msn: string;
  readonly url: string;
  readonly events: readonly string[];
  /** HMAC key; returned once, at registration. */
  readonly secret: string;
  /** Clock ms. */
  readonly createdAt: number;
}

export type RegisterResult =
  | { readonly ok: true; readonly registration: WebhookRegistration }
  | { readonly ok: false; readonly field: "url" | "events"; readonly reason: string };

/** Webhook registrations per sales unit (Webhooks API, docs/vipps-api.md §5.1). */
export class WebhookRegistry {
  private readonly registrations = new Map<string, WebhookRegistration>();

  /** `bytes`: source of ids and secrets; the simulation seeds it. */
  constructor(private readonly bytes: RandomBytes = systemRandomBytes) {}

  register(msn: string, url: unknown, events: unknown, now: number): RegisterResult {
    const urlProblem = webhookUrlProblem(url);
    if (urlProblem !== undefined) return { ok: false, field: "url", reason: urlProblem };
    if (!Array.isArray(events) || events.length === 0)
      return { ok: false, field: "events", reason: "At least one event is required." };
    const unknown = events.filter((e) => typeof e !== "string" || !WEBHOOK_EVENTS.includes(e));
    if (unknown.length > 0)
      return {
        ok: false,
        field: "events",
        reason: `Unknown event type(s): ${unknown.map(String).join(", ")}.`,
      };
    const wanted = [...new Set(events as string[])];
    for (const event of wanted) {
      const limit = registrationLimit(event);
      if (this.subscribers(msn, event).length >= limit) {
        return {
          ok: false,
          field: "events",
          reason: `At most ${limit} webhook registration(s) per sales unit for ${event}.`,
        };
      }
    }
    const registration: WebhookRegistration = {
      id: randomUuid(this.bytes),
      msn,
      url: url as string,
      events: wanted,
      // 64 random bytes in base64, like Vipps' secrets: clients must use it as given, not decoded (docs/vipps-api.md §5.3).
      secret: this.bytes(64).toString("base64"),
      createdAt: now,
    };
    this.registrations.set(registration.id, registration);
    return { ok: true, registration };
  }

  list(msn: string): WebhookRegistration[] {
    return [...this.registrations.values()].filter((r) => r.msn === msn);
  }

  get(id: string): WebhookRegistration | undefined {
    return this.registrations.get(id);
  }

  delete(msn: string, id: string): boolean {
    const r = this.registrations.get(id);
    if (r?.msn !== msn) return false;
    return this.registrations.delete(id);
  }

  subscribers(msn: string, event: string): WebhookRegistration[] {
    return this.list(msn).filter((r) => r.events.includes(event));
  }
}
