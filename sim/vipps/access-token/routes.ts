import { timingSafeEqual } from "node:crypto";
import { jsonResponse } from "../http/responses.js";
import { defineRoute, type Route } from "../http/router.js";
import { unitByClientId, type SimWorld } from "../world.js";

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The two spellings of the access token path: the spec's `/accesstoken/get`, and
 * `/accessToken/get` as Vipps' own Postman collections (ePayment, QR, Webhooks) and curl
 * examples send it
 * (https://developer.vippsmobilepay.com/docs/APIs/order-management-api/order-management-api-quick-start/)
 * — the live gateway serves both, so a client written from either works here.
 */
const ACCESS_TOKEN_PATHS = ["/accesstoken/get", "/accessToken/get"] as const;

/**
 * `POST /accesstoken/get` (access-token.yaml, docs/vipps-api.md §2): credentials in headers, no body;
 * every value of the answer is a string, numbers included.
 */
export function accessTokenRoutes(world: SimWorld): Route[] {
  return ACCESS_TOKEN_PATHS.map((path) =>
    defineRoute("POST", path, "accesstoken", "accesstoken", (ctx) => {
      const key = ctx.header("ocp-apim-subscription-key");
      if (key === undefined || key === "") {
        return ctx.error({
          status: 401,
          title: "Unauthorized",
          detail: "Access denied due to missing subscription key.",
        });
      }
      const clientId = ctx.header("client_id");
      const clientSecret = ctx.header("client_secret");
      if (clientId === undefined || clientId === "" || clientSecret === undefined || clientSecret === "") {
        return ctx.error({
          status: 400,
          title: "Bad Request",
          detail: "The client_id and client_secret headers are required.",
        });
      }
      const unit = unitByClientId(world, clientId);
      if (unit === undefined || !same(clientSecret, unit.clientSecret)) {
        return ctx.error({
          status: 401,
          title: "Unauthorized",
          detail: "Invalid client_id or client_secret.",
        });
      }
      if (!same(key, unit.subscriptionKey)) {
        return ctx.error({
          status: 401,
          title: "Unauthorized",
          detail: "Access denied due to invalid subscription key for this client.",
        });
      }
      const msn = ctx.header("merchant-serial-number");
      if (msn !== undefined && msn !== unit.msn) {
        return ctx.error({
          status: 400,
          title: "Bad Request",
          detail: "Merchant-Serial-Number does not belong to this client_id.",
        });
      }
      const token = world.tokens.issue(unit, ctx.now);
      const seconds = (ms: number): string => String(Math.floor(ms / 1000));
      return jsonResponse(
        200,
        {
          token_type: "Bearer",
          expires_in: String((token.expiresAt - token.issuedAt) / 1000),
          ext_expires_in: "0",
          expires_on: seconds(token.expiresAt),
          not_before: seconds(token.issuedAt),
          resource: "00000002-0000-0000-c000-000000000000",
          access_token: token.accessToken,
        },
        "application/json;charset=UTF-8",
      );
    }),
  );
}
