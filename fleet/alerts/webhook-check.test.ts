import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { VippsClient } from "../../agent/vipps/index.js";
import { silentLogger } from "../../lib/log.js";
import { systemClock } from "../../lib/clock.js";
import { startVippsSimulator, type VippsSimulator } from "../../sim/vipps/index.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { FleetStore } from "../store/fleet-store.js";
import { WebhookCheck } from "./webhook-check.js";

/**
 * The check of the MSN's check-in webhook registration against the Vipps simulator's Webhooks
 * API over loopback HTTP: found, deleted (as Vipps does after two weeks of failed deliveries),
 * registered at another URL, and Vipps refusing the keys.
 */
describe("check-in webhook registration check", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("says present, missing, missing-at-our-URL, and keeps the last answer when Vipps refuses", async () => {
    const sim: VippsSimulator = await startVippsSimulator();
    cleanups.push(() => sim.close());
    const unit = sim.salesUnits[0];
    if (unit === undefined) throw new Error("no sales unit");
    const dir = tempDir();
    cleanups.push(dir.cleanup);
    const store = FleetStore.open(join(dir.path, "fleet.db"), unit.msn);
    cleanups.push(() => store.close());
    const credentials = {
      baseUrl: sim.url,
      clientId: unit.clientId,
      clientSecret: unit.clientSecret,
      subscriptionKey: unit.subscriptionKey,
      msn: unit.msn,
    };
    const vipps = new VippsClient({
      ...credentials,
      system: { name: "test", version: "1" },
      timeoutMs: 5_000,
      maxRetries: 0,
    });
    const bridgeUrl = "http://127.0.0.1:9/vipps/webhook";
    const check = (p: { expectedUrl?: string; clientSecret?: string } = {}) =>
      new WebhookCheck({
        store,
        credentials: { ...credentials, clientSecret: p.clientSecret ?? credentials.clientSecret },
        ...(p.expectedUrl === undefined ? {} : { expectedUrl: p.expectedUrl }),
        intervalSeconds: 60,
        clock: systemClock,
        logger: silentLogger(),
      }).check();

    expect(await check({ expectedUrl: bridgeUrl })).toMatchObject({ result: "missing", registered: false });
    const firstMissing = (await check({ expectedUrl: bridgeUrl })).missingSince;
    const { id } = await vipps.webhooks.register({
      url: bridgeUrl,
      events: ["user.checked-in.v1", "epayments.payment.captured.v1"],
    });
    expect(await check({ expectedUrl: bridgeUrl })).toMatchObject({ result: "present", registered: true });

    await vipps.webhooks.delete(id);
    const missing = await check({ expectedUrl: bridgeUrl });
    expect(missing).toMatchObject({ result: "missing", registered: false });
    expect(missing.missingSince).toBeGreaterThanOrEqual(firstMissing ?? 0);
    const since = missing.missingSince;
    expect((await check({ expectedUrl: bridgeUrl })).missingSince).toBe(since); // since the first look that found it so

    await vipps.webhooks.register({ url: "http://127.0.0.1:9/elsewhere", events: ["user.checked-in.v1"] });
    expect(await check({ expectedUrl: bridgeUrl })).toMatchObject({ result: "missing", registered: false });
    expect(await check()).toMatchObject({ result: "present", registered: true }); // no URL configured: any will do

    const refused = await check({ expectedUrl: bridgeUrl, clientSecret: "wrong-secret" });
    expect(refused).toMatchObject({ result: "failed", registered: true, error: "VIPPS_UNAUTHORIZED" });
  });
});
