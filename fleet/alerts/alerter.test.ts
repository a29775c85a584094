import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../lib/log.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { healthOf } from "../../test/helpers/fleet.js";
import { TEST_MSN } from "../../test/helpers/mqtt-link-fixtures.js";
import { startScriptedServer, type ScriptedServer } from "../../test/helpers/scripted-http-server.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { FleetStore } from "../store/fleet-store.js";
import { Alerter } from "./alerter.js";
import { AlertNotifier } from "./notifier.js";
import type { AlertPayload } from "./payload.js";
import { writeWebhookState } from "./webhook-state.js";

/**
 * The alert rules on a manual clock over a real SQLite store, with notifications delivered to a
 * real HTTP receiver on loopback: each alert fires once and resolves once, survives a restart
 * of the service without repeating, and a receiver that fails gets it again later.
 */
const MIN = 60_000;
const thresholds = { offlineAfterMs: 5 * MIN, degradedAfterMs: 10 * MIN, unroutedQuietMs: 60 * MIN };

describe("fleet alerts", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setUp(replies: { status: number }[] = [{ status: 204 }]) {
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const file = join(dir.path, "fleet.db");
    const receiver: ScriptedServer = await startScriptedServer();
    cleanups.push(() => receiver.close());
    receiver.on("POST", "/hooks/alerts", ...replies);
    const clock = new ManualClock(Date.UTC(2026, 7, 21, 8, 0));
    const open = () => {
      const store = FleetStore.open(file, TEST_MSN);
      const notifier = new AlertNotifier({
        store,
        url: `${receiver.url}/hooks/alerts`,
        clock,
        logger: silentLogger(),
      });
      const alerter = new Alerter({
        store,
        msn: TEST_MSN,
        thresholds,
        clock,
        logger: silentLogger(),
        notify: true,
        onQueued: () => notifier.kick(),
      });
      const close = (): void => {
        notifier.stop();
        alerter.stop();
        store.close();
      };
      return { store, notifier, alerter, close };
    };
    const payloads = (): AlertPayload[] =>
      receiver.requestsTo("POST", "/hooks/alerts").map((r) => JSON.parse(r.text) as AlertPayload);
    return { clock, receiver, open, payloads };
  }

  it("fires 'offline' once after the threshold, never again while it holds, and resolves once", async () => {
    const { clock, open, payloads, receiver } = await setUp();
    const s = open();
    cleanups.push(s.close);
    s.store.tills.status("kasse1", "online", clock.now(), false);
    clock.advance(MIN);
    s.store.tills.status("kasse1", "offline", clock.now(), false);
    const wentOffline = clock.now();

    clock.advance(5 * MIN - 1);
    s.alerter.evaluate();
    expect(s.store.alerts.open()).toEqual([]);
    clock.advance(1);
    s.alerter.evaluate();
    s.alerter.evaluate();
    // Delivered before the clock moves on (the POST's own timeout runs on this clock too).
    await vi.waitFor(() => expect(payloads()).toHaveLength(1));
    clock.advance(MIN);
    s.alerter.evaluate();
    expect(s.store.alerts.open()).toHaveLength(1);
    expect(payloads()[0]).toMatchObject({
      alert: "till_offline",
      state: "firing",
      msn: TEST_MSN,
      tillId: "kasse1",
      since: new Date(wentOffline).toISOString(),
      resolvedAt: null,
    });
    expect(payloads()[0]?.text).toMatch(/^ALERT: Till kasse1 is offline \(5 min 00 s, since .*\)\.$/);
    expect(receiver.requests[0]?.headers["content-type"]).toBe("application/json");

    s.store.tills.status("kasse1", "online", clock.now(), false);
    s.alerter.evaluate();
    s.alerter.evaluate();
    await vi.waitFor(() => expect(payloads()).toHaveLength(2));
    expect(payloads()[1]).toMatchObject({ id: payloads()[0]?.id, alert: "till_offline", state: "resolved" });
    expect(payloads()[1]?.text).toBe("RESOLVED: Till kasse1 is back online (it was offline for 6 min 00 s).");
    expect(s.store.alerts.open()).toEqual([]);
    expect(s.store.alerts.pendingNotifications()).toBe(0);
  });

  it("fires 'degraded' for an online till whose health lists reasons past the threshold; not while offline", async () => {
    const { clock, open, payloads } = await setUp();
    const s = open();
    cleanups.push(s.close);
    s.store.tills.status("kasse2", "online", clock.now(), false);
    s.store.tills.health(healthOf("kasse2", { degraded: ["printer paper out"] }), clock.now());
    clock.advance(9 * MIN);
    s.store.tills.health(healthOf("kasse2", { degraded: ["printer paper out"] }), clock.now()); // still: since stays
    clock.advance(MIN);
    s.alerter.evaluate();
    await vi.waitFor(() =>
      expect(payloads().map((p) => [p.alert, p.state])).toEqual([["till_degraded", "firing"]]),
    );
    expect(payloads()[0]?.summary).toBe("Till kasse2 is degraded (10 min 00 s): printer paper out.");
    s.store.tills.health(healthOf("kasse2", { degraded: [] }), clock.now());
    s.alerter.evaluate();
    await vi.waitFor(() => expect(payloads().map((p) => p.state)).toEqual(["firing", "resolved"]));

    // Degraded but offline: the offline alert's business, not this one's.
    s.store.tills.health(healthOf("kasse2", { degraded: ["register unreachable"] }), clock.now());
    s.store.tills.status("kasse2", "offline", clock.now(), false);
    clock.advance(11 * MIN);
    s.alerter.evaluate();
    expect(s.store.alerts.open().map((a) => a.kind)).toEqual(["till_offline"]);
  });

  it("fires 'unrouted' at the first unroutable webhook and resolves after the quiet window", async () => {
    const { clock, open, payloads } = await setUp();
    const s = open();
    cleanups.push(s.close);
    s.store.unrouted.add({
      receivedAt: clock.now(),
      event: "user.checked-in.v1",
      reason: "merchantQrId is not a till id",
    });
    s.alerter.evaluate();
    await vi.waitFor(() => expect(payloads()).toHaveLength(1));
    clock.advance(30 * MIN);
    s.store.unrouted.add({ receivedAt: clock.now(), event: "user.checked-in.v1" });
    s.alerter.evaluate();
    expect(payloads()[0]?.summary).toMatch(
      /^Webhooks of MSN 123456 reached no till \(1 in the last 1 h 00 min; latest .*, user\.checked-in\.v1: merchantQrId is not a till id\)\.$/,
    );
    clock.advance(60 * MIN - 1);
    s.alerter.evaluate();
    expect(s.store.alerts.open()).toHaveLength(1);
    clock.advance(1);
    s.alerter.evaluate();
    await vi.waitFor(() => expect(payloads().map((p) => p.state)).toEqual(["firing", "resolved"]));
  });

  it("fires 'check-in webhook missing' on the last definite answer from Vipps, and resolves when it is back", async () => {
    const { clock, open, payloads } = await setUp();
    const s = open();
    cleanups.push(s.close);
    writeWebhookState(s.store, {
      checkedAt: clock.now(),
      result: "missing",
      registered: false,
      missingSince: clock.now(),
    });
    s.alerter.evaluate();
    // A failed look keeps the last definite answer: no flapping while Vipps is unreachable.
    writeWebhookState(s.store, {
      checkedAt: clock.now(),
      result: "failed",
      registered: false,
      missingSince: clock.now(),
      error: "VIPPS_NETWORK",
    });
    s.alerter.evaluate();
    await vi.waitFor(() =>
      expect(payloads().map((p) => [p.alert, p.state])).toEqual([["checkin_webhook_missing", "firing"]]),
    );
    writeWebhookState(s.store, { checkedAt: clock.now(), result: "present", registered: true });
    s.alerter.evaluate();
    await vi.waitFor(() => expect(payloads().map((p) => p.state)).toEqual(["firing", "resolved"]));
  });

  it("neither repeats nor forgets across a restart, and retries a receiver that failed", async () => {
    const { clock, open, payloads } = await setUp([{ status: 500 }, { status: 503 }, { status: 200 }]);
    const first = open();
    first.store.tills.status("kasse3", "offline", clock.now(), false);
    clock.advance(5 * MIN);
    first.alerter.evaluate();
    await vi.waitFor(() => expect(payloads()).toHaveLength(1)); // answered 500
    expect(first.store.alerts.pendingNotifications()).toBe(1);
    first.close();

    const second = open();
    cleanups.push(second.close);
    second.alerter.evaluate();
    expect(second.store.alerts.recent(10)).toHaveLength(1); // not fired again
    second.notifier.kick();
    await vi.waitFor(() => expect(payloads()).toHaveLength(2)); // answered 503: retried with backoff
    const before = payloads().length;
    clock.advance(2_000); // the first retry waits at most 1 s, the second at most 2 s
    await vi.waitFor(() => expect(second.store.alerts.pendingNotifications()).toBe(0));
    expect(payloads().length).toBe(before + 1);
    expect(new Set(payloads().map((p) => `${p.id}:${p.state}`))).toEqual(
      new Set([`${payloads()[0]?.id}:firing`]),
    );
  });
});
