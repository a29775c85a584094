import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import { PROMETHEUS_CONTENT_TYPE } from "../../lib/prometheus.js";
import { apiRoute, metricsRoute } from "./api.js";
import { Authenticator, type Identity } from "./auth.js";
import type { WebContext } from "./context.js";
import { clientAddress, readForm, redirect, send, sendError, sendHtml, sendJson } from "./http.js";
import { loginPage } from "./login-page.js";
import { alertsRoute, fleetRoute, tillRoute } from "./pages.js";
import { RateLimiter } from "./rate-limit.js";
import { FLEET_CSS } from "./style.js";

/** Failed logins and wrong tokens per address before it must wait out the window (429). */
export const AUTH_FAILURES_ALLOWED = 10;
const AUTH_FAILURE_WINDOW_MS = 15 * 60_000;

export interface RunningWebServer {
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

/** A local path to return to after login; anything else (another site, `//host`) becomes `/`. */
function safeNext(next: string | null): string {
  return next !== null && /^\/(?![/\\])[A-Za-z0-9/_?=&%.-]{0,200}$/.test(next) ? next : "/";
}

/**
 * The fleet's HTTP server: pages and JSON API behind a login, /metrics and /healthz as
 * configured, a stylesheet, nothing else. Requests are rate-limited per client address; failed
 * logins and wrong tokens more strictly, and while an address is over that limit its passwords
 * and tokens are not even looked at.
 */
export async function startWebServer(ctx: WebContext, host: string, port: number): Promise<RunningWebServer> {
  const { auth: authSettings } = ctx.settings;
  const requests = new RateLimiter({
    limit: authSettings.requestsPerMinute,
    windowMs: 60_000,
    clock: ctx.clock,
  });
  const failures = new RateLimiter({
    limit: AUTH_FAILURES_ALLOWED,
    windowMs: AUTH_FAILURE_WINDOW_MS,
    clock: ctx.clock,
  });
  const log = ctx.logger.child({ module: "fleet-web" });

  const tooMany = (res: ServerResponse, waitMs: number, json: boolean, what: string): void => {
    const retry = String(Math.max(1, Math.ceil(waitMs / 1000)));
    if (json) sendError(res, 429, "FLEET_RATE_LIMITED", what, { "retry-after": retry });
    else
      sendHtml(res, 429, loginPage({ problem: `${what} Try again in ${retry} s.` }), {
        "retry-after": retry,
      });
  };

  /** Who is asking, answering 401/429 itself when the answer is "nobody" and a page would not redirect. */
  const identify = (
    req: IncomingMessage,
    res: ServerResponse,
    address: string,
    json: boolean,
    tokens?: readonly Buffer[],
  ): Identity | "redirect" | undefined => {
    if (Authenticator.bearer(req) !== undefined) {
      const blocked = failures.blocked(address);
      if (blocked > 0) {
        tooMany(res, blocked, true, "too many failed attempts from this address.");
        return undefined;
      }
    }
    const who = ctx.auth.identify(req, tokens);
    if (who === "bad-token") {
      failures.hit(address);
      log.warn({ address }, "request with a wrong bearer token");
      sendError(res, 401, "FLEET_UNAUTHORIZED", "wrong bearer token", {
        "www-authenticate": 'Bearer realm="pos-fleet"',
      });
      return undefined;
    }
    if (who !== undefined) return who;
    if (!json) return "redirect";
    sendError(res, 401, "FLEET_UNAUTHORIZED", "log in or send Authorization: Bearer <token>", {
      "www-authenticate": 'Bearer realm="pos-fleet"',
    });
    return undefined;
  };

  const login = async (req: IncomingMessage, res: ServerResponse, address: string): Promise<void> => {
    const blocked = failures.blocked(address);
    if (blocked > 0) return tooMany(res, blocked, false, "Too many failed logins from this address.");
    const form = await readForm(req);
    const next = safeNext(form.get("next"));
    if (ctx.auth.busy) {
      sendHtml(res, 503, loginPage({ problem: "Busy checking other logins: try again in a moment.", next }), {
        "retry-after": "1",
      });
      return;
    }
    const session = await ctx.auth.login(
      (form.get("user") ?? "").slice(0, 64),
      (form.get("password") ?? "").slice(0, 1024),
    );
    if (session === undefined) {
      failures.hit(address);
      // Never the name typed: it may be a password typed in the wrong field.
      log.warn({ address }, "failed login");
      sendHtml(res, 401, loginPage({ problem: "Wrong user or password.", next }));
      return;
    }
    log.info({ user: form.get("user"), address }, "login");
    redirect(res, next, { "set-cookie": ctx.auth.sessionCookie(session) });
  };

  const healthz = (res: ServerResponse): void => {
    const store = ctx.store.alive();
    const broker = ctx.brokerConnected();
    sendJson(res, store && broker ? 200 : 503, {
      status: store && broker ? "ok" : "unavailable",
      broker: broker ? "connected" : "disconnected",
      store: store ? "ok" : "failing",
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://fleet.invalid");
    } catch {
      return sendError(res, 400, "FLEET_BAD_REQUEST", "bad request target");
    }
    const path = url.pathname;
    const method = req.method ?? "GET";
    const address = clientAddress(req, authSettings.trustProxy);
    const json = path.startsWith("/api/") || path === "/metrics" || path === "/healthz";
    const only = (allowed: string): boolean => {
      if (method === allowed) return true;
      sendError(res, 405, "FLEET_BAD_REQUEST", `${allowed} only`, { allow: allowed });
      return false;
    };

    if (path === "/static/fleet.css") {
      if (only("GET"))
        send(res, 200, "text/css; charset=utf-8", FLEET_CSS, { "cache-control": "public, max-age=3600" });
      return;
    }
    if (path === "/healthz" && ctx.settings.healthzAccess === "open") {
      if (only("GET")) healthz(res);
      return;
    }
    const wait = requests.hit(address);
    if (wait > 0) return tooMany(res, wait, json, "too many requests from this address.");

    if (path === "/login") {
      if (method === "POST") return login(req, res, address);
      if (only("GET")) sendHtml(res, 200, loginPage({ next: safeNext(url.searchParams.get("next")) }));
      return;
    }
    if (path === "/logout") {
      if (!only("POST")) return;
      ctx.auth.logout(req);
      redirect(res, "/login", { "set-cookie": ctx.auth.clearCookie() });
      return;
    }
    if (path === "/metrics") {
      if (!only("GET")) return;
      const access = ctx.settings.metricsAccess;
      if (access !== "open") {
        const tokens = access === "token" ? ctx.settings.metricsTokens : undefined;
        const who = identify(req, res, address, true, tokens);
        if (who === undefined) return;
        if (who === "redirect" || (access === "token" && who.kind !== "token")) {
          sendError(res, 401, "FLEET_UNAUTHORIZED", "send Authorization: Bearer <FLEET_METRICS_TOKEN>");
          return;
        }
      }
      return metricsRoute(ctx, res, PROMETHEUS_CONTENT_TYPE);
    }

    const who = identify(req, res, address, json);
    if (who === undefined) return;
    if (who === "redirect") {
      const next = `${path}${url.search}`;
      return redirect(res, `/login${next === "/" ? "" : `?next=${encodeURIComponent(next)}`}`);
    }
    if (!only("GET")) return;
    const user = who.kind === "session" ? who.user : undefined;
    if (path === "/healthz") return healthz(res);
    if (path.startsWith("/api/")) {
      if (!apiRoute(ctx, url, res)) sendError(res, 404, "FLEET_NOT_FOUND", "no such endpoint");
      return;
    }
    if (path === "/") return fleetRoute(ctx, url, res, user);
    if (path === "/alerts") return alertsRoute(ctx, res, user);
    const till = /^\/tills\/([A-Za-z0-9]{2,20})$/.exec(path)?.[1];
    if (till !== undefined && tillRoute(ctx, till, res, user)) return;
    sendHtml(res, 404, '<!doctype html><title>Not found</title><p>Not found. <a href="/">All tills</a></p>');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (isAgentError(error, "FLEET_BAD_REQUEST"))
        return sendError(res, 400, "FLEET_BAD_REQUEST", error.message);
      log.error({ err: errorMessage(error), path: req.url?.split("?")[0] }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "INTERNAL", message: "internal error" });
      else res.destroy();
    });
  });
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
