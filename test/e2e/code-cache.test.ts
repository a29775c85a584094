import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { codeCacheFiles } from "../../agent/cli/code-cache/files.js";
import { copyBuiltRelease } from "../helpers/built-release.js";
import { serviceNodeFlags } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startCrashRig, type CrashRig } from "./crash-rig.js";
import { newBasket } from "./harness.js";

/**
 * The daemon as a till runs it after install.sh: the unit's node flags, compiled from the code
 * cache `pos-agent code-cache` made (agent/cli/code-cache/). It must sell exactly as from its ES
 * modules, say in its log which it ran, and run its modules whenever the cache is not the one
 * for its bundle — with the real simulator, mosquitto, register on a pty and printer.
 */
describe("the daemon started from its code cache", () => {
  let dir: ReturnType<typeof tempDir>;
  let release: ReturnType<typeof copyBuiltRelease>;
  let rig: CrashRig;
  const files = () => codeCacheFiles(join(release.path, "dist"));
  const servingLines = (): string[] =>
    readFileSync(rig.logFile, "utf8")
      .split("\n")
      .filter((line) => line.includes('"msg":"agent serving"'));
  const lastCodeCache = (): unknown =>
    (JSON.parse(servingLines().at(-1) ?? "{}") as { codeCache?: unknown }).codeCache;

  beforeAll(async () => {
    dir = tempDir("pos-code-cache-e2e-");
    release = copyBuiltRelease(join(dir.path, "release"));
    execFileSync(process.execPath, [release.bin, "code-cache"], { stdio: "ignore" });
    rig = await startCrashRig({
      prefix: "pos-code-cache-rig-",
      agent: { bin: release.bin, nodeArgs: serviceNodeFlags() },
    });
  }, 60_000);
  afterEach(async () => {
    await rig.reset();
  });
  afterAll(async () => {
    await rig?.close();
    dir?.cleanup();
  });

  const sellOnce = async (msisdn: string): Promise<void> => {
    const basket = newBasket();
    await rig.register.sell(basket);
    await rig.register.pay(basket.saleId);
    rig.system.sim.control.scan({ msisdn, qrContent: rig.system.qrContent });
    const final = await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    rig.assertCapturedOnce(final.reference, basket.total, final);
  };

  it("sells, and logs that it used the cache", async () => {
    await rig.start();
    expect(lastCodeCache()).toBe("used");
    await sellOnce("4792000101");
  });

  it("recovers a sale after kill -9 in the middle of it, from the cache again", async () => {
    await rig.start();
    const basket = newBasket();
    await rig.register.sell(basket);
    rig.system.sim.control.setCustomer("4792000102", { payment: { action: "approve", afterMs: 1_500 } });
    await rig.register.pay(basket.saleId);
    rig.system.sim.control.scan({ msisdn: "4792000102", qrContent: rig.system.qrContent });
    const dropCapture = rig.dropRequests("epayment.capture", "after");
    await dropCapture();
    await rig.agent?.crash();
    rig.system.sim.control.clearFaults();

    await rig.start();
    expect(lastCodeCache()).toBe("used");
    const final = await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    rig.assertCapturedOnce(final.reference, basket.total, final);
  });

  it("runs its modules, and says why, when the bundle is not the one the cache was made for", async () => {
    const bundle = files().bundle;
    const original = readFileSync(bundle, "latin1");
    // The same length, which V8 alone would not notice.
    writeFileSync(bundle, original.replace("agent serving", "agent SERVING"), "latin1");
    try {
      await rig.start();
      expect(lastCodeCache()).toBe("not used: made for another build of the daemon");
      await sellOnce("4792000103");
    } finally {
      writeFileSync(bundle, original, "latin1");
    }
  });

  it("runs its modules when the cache was made under other node flags", async () => {
    execFileSync(process.execPath, [release.bin, "code-cache", "--node-flags", "--max-semi-space-size=2"], {
      stdio: "ignore",
    });
    await rig.start();
    expect(lastCodeCache()).toMatch(/^not used: made for the node flags "--max-semi-space-size=2"/);
    await sellOnce("4792000104");
  });
});
