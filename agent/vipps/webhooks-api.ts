import { parseAnswer } from "./parse-answer.js";
import { webhookListSchema, webhookRegisteredSchema } from "./response-schemas.js";
import { IDEMPOTENT, NOT_IDEMPOTENT } from "./retry-policy.js";
import type { VippsTransport } from "./transport.js";
import type { WebhookRegistered, WebhookRegistration, WebhookRegistrationRequest } from "./types/webhooks.js";
import { checkWebhookId, checkWebhookUrl, invalid, type OpRef } from "./validate-input.js";

/**
 * Webhooks API (docs/vipps-api.md §5.1): a provisioning step, not per payment. Registration creates
 * something and has no idempotency key, so it is NOT retried after an unknown outcome (a
 * second registration would carry a secret we never saw): on VIPPS_TIMEOUT/VIPPS_NETWORK/5xx,
 * `list()` and delete what is not wanted before registering again.
 */
const BASE = "/webhooks/v1/webhooks";

const op = (operation: string, endpoint: string): OpRef => ({ operation: `webhooks.${operation}`, endpoint });

export class WebhooksApi {
  constructor(private readonly transport: VippsTransport) {}

  /** 201 `{ id, secret }` — the secret is returned only this once. */
  async register(request: WebhookRegistrationRequest): Promise<WebhookRegistered> {
    const spec = op("register", `POST ${BASE}`);
    checkWebhookUrl(spec, request.url);
    const events: unknown = request.events;
    if (
      !Array.isArray(events) ||
      events.length === 0 ||
      !events.every((e) => typeof e === "string" && /^[a-z0-9.-]+$/i.test(e))
    ) {
      throw invalid(spec, "events must be a non-empty list of event names");
    }
    const result = await this.transport.call({
      ...spec,
      method: "POST",
      path: BASE,
      auth: { kind: "access-token" },
      json: { url: request.url, events },
      retry: NOT_IDEMPOTENT,
    });
    const registered = parseAnswer(webhookRegisteredSchema, result, spec);
    return { id: registered.id, secret: registered.secret };
  }

  /** The registrations of this sales unit (no secrets). */
  async list(): Promise<WebhookRegistration[]> {
    const spec = op("list", `GET ${BASE}`);
    const result = await this.transport.call({
      ...spec,
      method: "GET",
      path: BASE,
      auth: { kind: "access-token" },
      retry: IDEMPOTENT,
    });
    return parseAnswer(webhookListSchema, result, spec).webhooks;
  }

  /** 204. */
  async delete(id: string): Promise<void> {
    const spec = op("delete", `DELETE ${BASE}/{id}`);
    checkWebhookId(spec, id);
    await this.transport.call({
      ...spec,
      method: "DELETE",
      path: `${BASE}/${id}`,
      auth: { kind: "access-token" },
      retry: IDEMPOTENT,
    });
  }
}
