import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMqttLink, type CheckIn } from "../../agent/mqtt/index.js";
import { openDatabase } from "../../agent/store/database.js";
import { VippsClient } from "../../agent/vipps/index.js";
import { silentLogger } from "../../lib/log.js";
import { startVippsSimulator, type SalesUnit, type VippsSimulator } from "../../sim/vipps/index.js";
import { freePort, startMosquitto } from "../../test/helpers/mosquitto.js";
import { linkConfig, linkSecrets } from "../../test/helpers/mqtt-link-fixtures.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { startBridge } from "../index.js";
import type { CliContext } from "./context.js";
import { runBridgeCli } from "./program.js";
import { AGENT_WEBHOOK_EVENTS } from "./webhooks.js";

async function run(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const ctx: CliContext = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env,
    exitCode: 0,
  };
  const code = await runBridgeCli(["node", "pos-bridge", ...args], ctx);
  return { code, stdout, stderr };
}

describe("pos-bridge register-webhook / list-webhooks / delete-webhook (against the Vipps simulator)", () => {
  let sim: VippsSimulator;
  let unit: SalesUnit;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sim = await startVippsSimulator();
    const first = sim.salesUnits[0];
    if (first === undefined) throw new Error("no sales unit");
    unit = first;
    env = {
      VIPPS_BASE_URL: sim.url,
      VIPPS_CLIENT_ID: unit.clientId,
      VIPPS_CLIENT_SECRET: unit.clientSecret,
      VIPPS_SUBSCRIPTION_KEY: unit.subscriptionKey,
      VIPPS_MSN: unit.msn,
    };
  });
  afterAll(() => sim.close());

  it("registers every event the agent uses, says where the secret goes, lists and deletes", async () => {
    const url = "http://127.0.0.1:9/vipps/webhook";
    const registered = await run(["register-webhook", "--url", url], env);
    expect(registered.stderr).toBe("");
    expect(registered.code).toBe(0);
    const [view] = sim.control.webhookRegistrations();
    expect(view).toMatchObject({ url, msn: unit.msn });
    expect([...(view?.events ?? [])].sort()).toEqual([...AGENT_WEBHOOK_EVENTS].sort());
    expect(AGENT_WEBHOOK_EVENTS).toEqual([
      "user.checked-in.v1",
      "epayments.payment.created.v1",
      "epayments.payment.authorized.v1",
      "epayments.payment.aborted.v1",
      "epayments.payment.expired.v1",
      "epayments.payment.terminated.v1",
      "epayments.payment.cancelled.v1",
      "epayments.payment.captured.v1",
      "epayments.payment.refunded.v1",
    ]);
    expect(registered.stdout).toContain(`Registered webhook ${view?.id ?? "?"} for MSN ${unit.msn}`);
    expect(registered.stdout).toContain("VIPPS_WEBHOOK_SECRETS");
    expect(registered.stdout).toContain("vipps-webhook-secret");
    expect(registered.stdout).toMatch(/only this once:\n {2}\S{16,}\n/);

    const listed = await run(["list-webhooks", "--json"], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      { id: view?.id, url, events: expect.any(Array) as unknown[] },
    ]);
    expect((await run(["list-webhooks"], env)).stdout).toContain(`${view?.id ?? "?"}  ${url}`);

    const deleted = await run(["delete-webhook", view?.id ?? "?"], env);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain("7 days");
    expect(sim.control.webhookRegistrations()).toEqual([]);
    expect((await run(["list-webhooks"], env)).stdout).toBe(
      `No webhook registrations for MSN ${unit.msn}.\n`,
    );
  });

  it("reports every missing variable at once (exit 78), a missing URL (64), bad credentials (1), Vipps unreachable (69)", async () => {
    const none = await run(["list-webhooks"], { VIPPS_ENV: "staging", VIPPS_MSN: "12" });
    expect(none.code).toBe(78);
    for (const name of [
      "VIPPS_ENV",
      "VIPPS_CLIENT_ID",
      "VIPPS_CLIENT_SECRET",
      "VIPPS_SUBSCRIPTION_KEY",
      "VIPPS_MSN",
    ])
      expect(none.stderr).toContain(`  ${name}:`);

    expect((await run(["register-webhook"], env)).code).toBe(64);

    const wrong = await run(["list-webhooks"], { ...env, VIPPS_CLIENT_SECRET: "wrong-secret" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("VIPPS_UNAUTHORIZED");
    expect(wrong.stderr).not.toContain("wrong-secret");

    const port = await freePort();
    const down = await run(["list-webhooks"], { ...env, VIPPS_BASE_URL: `http://127.0.0.1:${port}` });
    expect(down.code).toBe(69);
    expect(down.stderr).toContain("VIPPS_NETWORK");
  });

  it("end to end: a registration's secret lets the simulator's signed check-in through bridge and broker to the till", async () => {
    const broker = await startMosquitto({ persistence: false });
    const dir = tempDir();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/vipps/webhook`;
    const registered = await run(["register-webhook", "--url", publicUrl, "--json"], env);
    const { secret } = JSON.parse(registered.stdout) as { secret: string };

    const bridge = await startBridge({
      publicUrl,
      webhookSecrets: [secret],
      mqtt: { url: broker.url },
      port,
      logger: silentLogger(),
    });
    const db = openDatabase(join(dir.path, "agent.db"));
    const config = linkConfig({
      mqttUrl: broker.url,
      tillId: "kasse1",
      msn: unit.msn,
      webhookUrl: publicUrl,
    });
    const link = createMqttLink({ config, secrets: linkSecrets({ webhookSecrets: [secret] }), db });
    const checkIns: CheckIn[] = [];
    link.onCheckIn((c) => {
      checkIns.push(c);
    });
    try {
      link.start();
      await vi.waitFor(() => expect(link.counters().connects).toBe(1), { timeout: 15_000 });
      await vi.waitFor(() => expect(bridge.brokerConnected).toBe(true), { timeout: 15_000 });
      const vipps = new VippsClient({
        ...env,
        baseUrl: sim.url,
        clientId: unit.clientId,
        clientSecret: unit.clientSecret,
        subscriptionKey: unit.subscriptionKey,
        msn: unit.msn,
        system: { name: "test", version: "1" },
        timeoutMs: 5_000,
        maxRetries: 0,
      });
      await vipps.qr.putMerchantCallback("kasse1", { locationDescription: "Kasse 1" });
      const scan = sim.control.scan({ msisdn: "4712345678", msn: unit.msn, merchantQrId: "kasse1" });
      await vi.waitFor(() => expect(checkIns.map((c) => c.customerToken)).toEqual([scan.customerToken]), {
        timeout: 15_000,
      });
      expect(bridge.counters).toMatchObject({ verified: 1, published: 1, rejected: 0 });
    } finally {
      await link.stop();
      db.close();
      await bridge.close();
      await broker.cleanup();
      dir.cleanup();
      for (const r of sim.control.webhookRegistrations()) await run(["delete-webhook", r.id], env);
    }
  });
});
