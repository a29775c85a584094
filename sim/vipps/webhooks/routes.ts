import { authenticate, isPlainObject, parseJsonBody } from "../http/auth.js";
import { emptyResponse, jsonResponse } from "../http/responses.js";
import { defineRoute, type Route } from "../http/router.js";
import type { SimWorld } from "../world.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Webhooks API (webhooks.yaml, docs/vipps-api.md §5.1) for the sales unit of the access token. */
export function webhookRoutes(world: SimWorld): Route[] {
  const base = "/webhooks/v1/webhooks";
  return [
    defineRoute("POST", base, "webhooks.register", "webhooks", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "optional");
      if (!auth.ok) return auth.response;
      const body = parseJsonBody(ctx);
      if (!body.ok) return body.response;
      const b = body.value;
      if (!isPlainObject(b)) {
        return ctx.error({
          status: 400,
          title: "Bad Request",
          detail: "One or more validation errors occurred.",
          extraDetails: [{ name: "body", reason: "A JSON object with url and events is required." }],
        });
      }
      const result = world.webhooks.register(auth.value.msn, b.url, b.events, ctx.now);
      if (!result.ok) {
        return ctx.error({
          status: 400,
          title: "Bad Request",
          detail: "One or more validation errors occurred.",
          extraDetails: [{ name: result.field, reason: result.reason }],
        });
      }
      return jsonResponse(201, { id: result.registration.id, secret: result.registration.secret });
    }),
    defineRoute("GET", base, "webhooks.list", "webhooks", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "optional");
      if (!auth.ok) return auth.response;
      const webhooks = world.webhooks
        .list(auth.value.msn)
        .map((r) => ({ id: r.id, url: r.url, events: [...r.events] }));
      return jsonResponse(200, { webhooks });
    }),
    defineRoute("DELETE", `${base}/{id}`, "webhooks.delete", "webhooks", (ctx) => {
      const auth = authenticate(ctx, world.tokens, "optional");
      if (!auth.ok) return auth.response;
      const id = ctx.params.id ?? "";
      if (!UUID.test(id)) {
        return ctx.error({
          status: 400,
          title: "Bad Request",
          detail: "One or more validation errors occurred.",
          extraDetails: [{ name: "id", reason: "The id must be a UUID." }],
        });
      }
      if (!world.webhooks.delete(auth.value.msn, id)) {
        return ctx.error({
          status: 404,
          title: "Not Found",
          detail: "No webhook registration with this id for this sales unit.",
        });
      }
      world.dispatcher.registrationDeleted(id);
      return emptyResponse(204);
    }),
  ];
}
