import type { IncomingHttpHeaders } from "node:http";
import type { ControlEndpointId, EndpointId } from "./endpoints.js";
import type { ApiFamily, ErrorSpec } from "./error-bodies.js";
import type { SimResponse } from "./responses.js";

/** Everything a handler may read about one request; built by the server. */
export interface RequestContext {
  readonly method: string;
  /** The full request URL (the query string is read from here). */
  readonly url: URL;
  readonly path: string;
  /** Decoded path parameters from the route template. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly endpoint: EndpointId | ControlEndpointId;
  readonly family: ApiFamily;
  /** Clock time (ms) when the handler started, after any injected latency. */
  readonly now: number;
  /** The error response of this request's API family. */
  error(spec: ErrorSpec): SimResponse;
  /** A single header value (the first, when repeated), or undefined. */
  header(name: string): string | undefined;
  /** Log-safe facts the handler adds to the request log. */
  readonly note: { idempotencyKey?: string; reference?: string };
}

export type Handler = (ctx: RequestContext) => SimResponse | Promise<SimResponse>;

export interface Route {
  readonly method: string;
  readonly template: string;
  readonly endpoint: EndpointId | ControlEndpointId;
  readonly family: ApiFamily;
  readonly handle: Handler;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

/** `template` uses `{name}` for one path segment, as the OpenAPI specs do. */
export function defineRoute(
  method: string,
  template: string,
  endpoint: EndpointId | ControlEndpointId,
  family: ApiFamily,
  handle: Handler,
): Route {
  const names: string[] = [];
  const source = template
    .split("/")
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1] !== undefined) {
        names.push(param[1]);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { method, template, endpoint, family, handle, names, pattern: new RegExp(`^${source}$`) };
}

export type RouteMatch =
  | { readonly kind: "found"; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: "bad-encoding"; readonly route: Route }
  | { readonly kind: "wrong-method"; readonly route: Route }
  | { readonly kind: "none" };

export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  let wrongMethod: Route | undefined;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m === null) continue;
    if (route.method !== method) {
      wrongMethod ??= route;
      continue;
    }
    const params: Record<string, string> = {};
    for (const [i, name] of route.names.entries()) {
      try {
        params[name] = decodeURIComponent(m[i + 1] ?? "");
      } catch {
        return { kind: "bad-encoding", route };
      }
    }
    return { kind: "found", route, params };
  }
  return wrongMethod === undefined ? { kind: "none" } : { kind: "wrong-method", route: wrongMethod };
}

/** The API family that owns a path, for answering unknown routes in the right shape. */
export function familyOfPath(path: string): ApiFamily {
  if (path.startsWith("/epayment/")) return "epayment";
  if (path.startsWith("/order-management/")) return "order-management";
  if (path.startsWith("/webhooks/")) return "webhooks";
  if (path.startsWith("/qr/v1/exchange")) return "qr-exchange";
  if (path.startsWith("/qr/")) return "qr";
  if (path.toLowerCase().startsWith("/accesstoken/")) return "accesstoken";
  if (path.startsWith("/vipps-userinfo-api/")) return "userinfo";
  if (path.startsWith("/access-management-1.0/") || path.startsWith("/vipps-login-ciba/")) return "login";
  return "control";
}
