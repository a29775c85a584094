import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../lib/log.js";
import {
  FLEET_PASSWORD,
  FLEET_TOKEN,
  FLEET_USER,
  METRICS_TOKEN,
  fleetSettings,
  healthOf,
  loginCookie,
} from "../../test/helpers/fleet.js";
import { startMosquitto, type MosquittoBroker } from "../../test/helpers/mosquitto.js";
import { TEST_MSN } from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import type { FleetSettings } from "../settings.js";
import { startFleet, type RunningFleet } from "../service.js";
import { AUTH_FAILURES_ALLOWED } from "./server.js";

/**
 * The fleet's web server over real HTTP on loopback: who gets in (password session, bearer
 * token, neither), how often one may fail, what /metrics and /healthz require, and what a page
 * does with hostile text from a till.
 */
const WAIT = { timeout: 15_000, interval: 50 };
const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString(),
  redirect: "manual",
});

describe("fleet web server", () => {
  let broker: MosquittoBroker;
  const dirs: ReturnType<typeof tempDir>[] = [];
  const fleets: RunningFleet[] = [];

  beforeAll(async () => {
    broker = await startMosquitto({ persistence: false });
  });
  afterAll(async () => {
    for (const f of fleets) await f.close();
    for (const d of dirs) d.cleanup();
    await broker?.cleanup();
  });

  async function fleet(overrides: Partial<Omit<FleetSettings, "mqtt">> = {}): Promise<RunningFleet> {
    const dir = tempDir();
    dirs.push(dir);
    const settings = await fleetSettings({
      brokerUrl: broker.url,
      dir: dir.path,
      clientId: `pos-fleet-web-${fleets.length}`,
      overrides,
    });
    const running = await startFleet(settings, { logger: silentLogger() });
    fleets.push(running);
    await vi.waitFor(() => expect(running.consumer.state).toBe("connected"), WAIT);
    return running;
  }

  it("sends a browser to the login form, lets the right password in and keeps it out after logout", async () => {
    const f = await fleet();
    const first = await fetch(`${f.url}/tills/kasse1?x=1`, { redirect: "manual" });
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/login?next=%2Ftills%2Fkasse1%3Fx%3D1");
    const loginForm = await fetch(`${f.url}/login`);
    expect(await loginForm.text()).toContain('name="password" type="password"');

    const wrong = await fetch(`${f.url}/login`, form({ user: FLEET_USER, password: "wrong password!" }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    expect(await wrong.text()).toContain("Wrong user or password.");
    const unknown = await fetch(`${f.url}/login`, form({ user: "nobody", password: FLEET_PASSWORD }));
    expect(unknown.status).toBe(401);

    const ok = await fetch(
      `${f.url}/login`,
      form({ user: FLEET_USER, password: FLEET_PASSWORD, next: "/alerts" }),
    );
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/alerts");
    const setCookie = ok.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(
      /^pos_fleet_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    const cookie = setCookie.split(";")[0] ?? "";
    const page = await fetch(`${f.url}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`MSN ${TEST_MSN}`);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script/i);

    const out = await fetch(`${f.url}/logout`, { method: "POST", headers: { cookie }, redirect: "manual" });
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await fetch(`${f.url}/`, { headers: { cookie }, redirect: "manual" })).status).toBe(303);
  });

  it("never redirects a login elsewhere than this site", async () => {
    const f = await fleet();
    for (const next of [
      "//evil.example/x",
      "https://evil.example/",
      "/\\evil.example",
      "javascript:alert(1)",
    ]) {
      const answer = await fetch(
        `${f.url}/login`,
        form({ user: FLEET_USER, password: FLEET_PASSWORD, next }),
      );
      expect({ next, location: answer.headers.get("location") }).toEqual({ next, location: "/" });
    }
  });

  it("answers the API with a bearer token or a session, and 401 with a code otherwise", async () => {
    const f = await fleet();
    const none = await fetch(`${f.url}/api/tills`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: "FLEET_UNAUTHORIZED" });
    const wrong = await fetch(`${f.url}/api/tills`, {
      headers: { authorization: "Bearer not-the-token-0123456789abcdef" },
    });
    expect(wrong.status).toBe(401);
    const token = await fetch(`${f.url}/api/tills`, { headers: { authorization: `Bearer ${FLEET_TOKEN}` } });
    expect(token.status).toBe(200);
    expect(await token.json()).toMatchObject({ msn: TEST_MSN, totals: { tills: 0 }, tills: [] });
    const cookie = await loginCookie(f.url);
    expect((await fetch(`${f.url}/api/alerts`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${f.url}/api/tills/kasse1`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${f.url}/api/tills`, { method: "DELETE", headers: { cookie } })).status).toBe(405);
  });

  it(`locks an address out after ${AUTH_FAILURES_ALLOWED} failures, without even checking a right password then`, async () => {
    const f = await fleet();
    for (let i = 0; i < AUTH_FAILURES_ALLOWED; i++) {
      const answer =
        i % 2 === 0
          ? await fetch(`${f.url}/login`, form({ user: FLEET_USER, password: `guess ${i}` }))
          : await fetch(`${f.url}/api/tills`, {
              headers: { authorization: `Bearer wrong-token-${i}-0123456789abcdefghij` },
            });
      expect(answer.status).toBe(401);
    }
    const locked = await fetch(`${f.url}/login`, form({ user: FLEET_USER, password: FLEET_PASSWORD }));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(locked.headers.get("set-cookie")).toBeNull();
    const token = await fetch(`${f.url}/api/tills`, { headers: { authorization: `Bearer ${FLEET_TOKEN}` } });
    expect(token.status).toBe(429);
    expect(await token.json()).toMatchObject({ error: "FLEET_RATE_LIMITED" });
  });

  it("limits requests per address and minute", async () => {
    const f = await fleet({
      auth: {
        ...(await fleetSettings({ brokerUrl: broker.url, dir: "/nonexistent" })).auth,
        requestsPerMinute: 10,
      },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await fetch(`${f.url}/api/tills`, { headers: { authorization: `Bearer ${FLEET_TOKEN}` } })).status,
      );
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429, 429]);
  });

  it("serves /metrics to logged-in callers by default, to its own token or to anyone when configured", async () => {
    const byLogin = await fleet();
    expect((await fetch(`${byLogin.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${byLogin.url}/metrics`, {
      headers: { authorization: `Bearer ${FLEET_TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await metrics.text();
    expect(text).toContain('pos_fleet_tills{status="online"} 0');
    expect(text).toContain("pos_fleet_broker_connected 1");

    const byToken = await fleet({ metricsAccess: "token" });
    expect(
      (await fetch(`${byToken.url}/metrics`, { headers: { authorization: `Bearer ${FLEET_TOKEN}` } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${byToken.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }))
        .status,
    ).toBe(200);
    const cookie = await loginCookie(byToken.url);
    expect((await fetch(`${byToken.url}/metrics`, { headers: { cookie } })).status).toBe(401);

    const open = await fleet({ metricsAccess: "open" });
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
    // The page and the API stay closed whatever /metrics allows.
    expect((await fetch(`${open.url}/api/tills`)).status).toBe(401);
  });

  it("answers /healthz without a login by default (load balancers), or only with one", async () => {
    const open = await fleet();
    const health = await fetch(`${open.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", broker: "connected", store: "ok" });
    const closed = await fleet({ healthzAccess: "login" });
    expect((await fetch(`${closed.url}/healthz`)).status).toBe(401);
    expect(
      (await fetch(`${closed.url}/healthz`, { headers: { authorization: `Bearer ${FLEET_TOKEN}` } })).status,
    ).toBe(200);
  });

  it("shows a till's text escaped, filters and sorts the list the same in the page and the API", async () => {
    const f = await fleet();
    const publisher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      const hostile = '<img src=x onerror="alert(1)">';
      for (const [till, status, degraded] of [
        ["kasse1", "online", []],
        ["kasse2", "offline", []],
        ["kasse3", "online", [hostile]],
      ] as const) {
        await publisher.publishAsync(`vipps-pos/${TEST_MSN}/${till}/status`, status, { qos: 1 });
        await publisher.publishAsync(
          `vipps-pos/${TEST_MSN}/${till}/health`,
          JSON.stringify(healthOf(till, { degraded: [...degraded] })),
          { qos: 1 },
        );
      }
      const auth = { headers: { authorization: `Bearer ${FLEET_TOKEN}` } };
      await vi.waitFor(async () => {
        const list = (await (await fetch(`${f.url}/api/tills`, auth)).json()) as {
          tills: { tillId: string }[];
        };
        // Default order: what needs a look first — offline, then degraded, then the rest.
        expect(list.tills.map((t) => t.tillId)).toEqual(["kasse2", "kasse3", "kasse1"]);
      }, WAIT);
      const degraded = (await (await fetch(`${f.url}/api/tills?state=degraded`, auth)).json()) as {
        tills: { tillId: string }[];
      };
      expect(degraded.tills.map((t) => t.tillId)).toEqual(["kasse3"]);
      const byIdDesc = (await (
        await fetch(`${f.url}/api/tills?sort=till&order=desc&q=KASSE`, auth)
      ).json()) as {
        tills: { tillId: string }[];
      };
      expect(byIdDesc.tills.map((t) => t.tillId)).toEqual(["kasse3", "kasse2", "kasse1"]);
      const html = await (await fetch(`${f.url}/?state=degraded`, auth)).text();
      expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
      expect(html).not.toContain(hostile);
      expect(html.match(/<tr id="till-/g)).toHaveLength(1);
    } finally {
      await publisher.endAsync(true);
    }
  });
});
