import { loadApi, type ApiName, type Operation } from "./spec-registry.js";

/**
 * Concrete request paths → spec operations. Templates are prefixed with the spec's server base
 * path (`/qr`, `/webhooks`); a trailing slash is insignificant on both sides.
 */
const PREFIXES: readonly (readonly [string, ApiName])[] = [
  ["/accesstoken/", "access-token"],
  ["/qr/", "qr"],
  ["/webhooks/", "webhooks"],
  ["/epayment/", "epayment"],
  ["/order-management/", "order-management"],
  ["/access-management-1.0/", "login"],
  ["/vipps-login-ciba/", "login"],
  ["/vipps-userinfo-api/", "userinfo"],
];

export function apiForPath(concretePath: string): ApiName | undefined {
  const { path } = splitPath(concretePath);
  return PREFIXES.find(([prefix]) => `${path}/`.startsWith(prefix))?.[1];
}

function splitPath(concretePath: string): { path: string; search: string } {
  const url = new URL(concretePath, "http://path.invalid");
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
  return { path, search: url.search };
}

function templateRegex(template: string): RegExp {
  const normal = template.length > 1 ? template.replace(/\/+$/, "") : template;
  const source = normal
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

export interface Match {
  op: Operation;
  pathParams: Map<string, string>;
  search: string;
}

export function findOperation(api: ApiName, method: string, concretePath: string): Match | string {
  const { path, search } = splitPath(concretePath);
  const loaded = loadApi(api);
  const candidates = loaded.operations
    .map((op) => ({ op, m: templateRegex(op.template).exec(path) }))
    .filter((c): c is { op: Operation; m: RegExpExecArray } => c.m !== null)
    // A literal segment beats a template parameter (`/mobilepay/{id}` vs `/{merchantQrId}`).
    .sort((a, b) => (a.op.template.match(/\{/g)?.length ?? 0) - (b.op.template.match(/\{/g)?.length ?? 0));
  if (candidates.length === 0) return `${api}: no path in the spec matches ${path}`;
  const chosen = candidates.find((c) => c.op.method === method.toUpperCase());
  if (chosen === undefined) {
    return `${api}: ${method.toUpperCase()} is not defined for ${path} (spec has ${candidates.map((c) => c.op.method).join(", ")})`;
  }
  const names = [...chosen.op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
  const pathParams = new Map(names.map((name, i) => [name, decodeURIComponent(chosen.m[i + 1] ?? "")]));
  return { op: chosen.op, pathParams, search };
}
