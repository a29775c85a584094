import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSystem } from "../demo/system.js";
import { step } from "../agent/checkout/machine.js";
import { checkoutSettings } from "../agent/runtime/settings.js";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { Journal } from "../agent/journal/journal.js";
import { openDatabase } from "../agent/store/database.js";
import type { ConfigInput } from "../config/schema.js";
import type { Basket } from "../drivers/register/index.js";
import { createReferenceRegister } from "../sim/register/reference-register.js";
import { cpuMs, rssMb, startDaemon } from "./daemon-process.js";
import { socatPair } from "./serial-pair.js";
import { percentile, round } from "./stats.js";

/** Start-up is timed over this many starts on the same journal (one start is a noisy sample). */
const STARTS = 5;
/** New baskets sent over the cable, each timed from send to the agent's ack. */
const TIMED_BASKETS = 200;
/**
 * Between two timed baskets, as a register leaves seconds between them: each ack is then timed
 * alone, not behind the work the previous basket caused (a basket dropped past the limits).
 */
const PAUSE_MS = 25;

interface OpenBasketsResult {
  /** Open baskets in the journal before the daemon starts. */
  readonly openBaskets: number;
  /** The first start on that journal (it may drop baskets beyond the configured limits). */
  readonly firstStartMs: number;
  readonly startupToReadyMs: number;
  /** CPU the daemon used until it served, median of the starts: steadier than wall time under load. */
  readonly startupCpuMs: number;
  readonly rssAfterStartMb: number;
  /** After the timed baskets: what handling frames with the pile in memory costs. */
  readonly rssAfterBasketsMb: number;
  readonly basketAckP50Ms: number;
  readonly basketAckP95Ms: number;
  readonly basketAckMaxMs: number;
  /** The daemon's CPU time per timed basket, everything it caused included (a drop, its report). */
  readonly cpuPerBasketMs: number;
}

const basketOf = (saleId: string): Basket => ({
  saleId,
  currency: "NOK",
  total: 4900,
  lines: [{ id: "sku-1", name: "Kaffe", quantity: "2", unitPrice: 2450, total: 4900, vatRate: 1500 }],
});

/**
 * `npm run bench -- --open-baskets N`: the real daemon on a journal holding N open baskets (a
 * register that never cancels the baskets it voids), on a real pty. Measures what such a pile
 * costs: start-up, memory after start, and the time from sending a new basket to its ack.
 * The journal is filled the way the daemon fills it (`step` + `Journal.record`), in one SQLite
 * transaction so seeding 10,000 baskets takes a second, not 10,000 fsyncs.
 */
async function measureOpenBaskets(
  openBaskets: number,
  checkout: ConfigInput["checkout"] = {},
): Promise<OpenBasketsResult> {
  const dir = mkdtempSync(join(tmpdir(), "pos-bench-open-"));
  const cable = await socatPair(join(dir, "agent-tty"), join(dir, "register-tty"));
  const system = await startSystem({
    directory: dir,
    registerPath: join(dir, "agent-tty"),
    config: { checkout },
  });
  try {
    seed(join(system.loaded.config.storage.directory, JOURNAL_FILE), system, openBaskets);
    const readyTimes: number[] = [];
    const readyCpu: number[] = [];
    let daemon = await startDaemon(system.configFile);
    const firstStartMs = daemon.readyMs;
    for (let n = 1; n <= STARTS; n++) {
      await daemon.stop();
      daemon = await startDaemon(system.configFile);
      readyTimes.push(daemon.readyMs);
      readyCpu.push(cpuMs(daemon.child.pid ?? 0));
    }
    const register = createReferenceRegister({ path: join(dir, "register-tty") });
    try {
      register.start();
      await register.waitUntilUp(20_000);
      const rssAfterStartMb = rssMb(daemon.child.pid ?? 0);
      const acks: number[] = [];
      const cpuBefore = cpuMs(daemon.child.pid ?? 0);
      for (let n = 0; n < TIMED_BASKETS; n++) {
        const started = performance.now();
        const result = await register.sell(basketOf(`N${n}`));
        acks.push(performance.now() - started);
        if (!("acked" in result)) throw new Error(`basket N${n} was not accepted`);
        await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      }
      const cpuPerBasketMs = (cpuMs(daemon.child.pid ?? 0) - cpuBefore) / TIMED_BASKETS;
      const rssAfterBasketsMb = rssMb(daemon.child.pid ?? 0);
      return {
        openBaskets,
        firstStartMs: round(firstStartMs, 0),
        startupToReadyMs: round(percentile(readyTimes, 50), 0),
        startupCpuMs: round(percentile(readyCpu, 50), 0),
        rssAfterStartMb: round(rssAfterStartMb, 1),
        rssAfterBasketsMb: round(rssAfterBasketsMb, 1),
        basketAckP50Ms: round(percentile(acks, 50), 2),
        basketAckP95Ms: round(percentile(acks, 95), 2),
        basketAckMaxMs: round(Math.max(...acks), 2),
        cpuPerBasketMs: round(cpuPerBasketMs, 2),
      };
    } finally {
      await register.stop();
      await daemon.stop();
    }
  } finally {
    await system.stop();
    cable.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** N open baskets, journalled as the daemon journals them, with the clock of now. */
function seed(file: string, system: Awaited<ReturnType<typeof startSystem>>, count: number): void {
  const db = openDatabase(file);
  try {
    const journal = new Journal(db);
    const settings = checkoutSettings(system.loaded.config);
    let till = journal.load();
    db.transaction(() => {
      for (let n = 0; n < count; n++) {
        const now = Date.now();
        const input = { type: "basket" as const, basket: basketOf(`OPEN${n}`) };
        const t = step(till, input, now, settings);
        journal.record(input, t, now);
        till = t.till;
      }
    })();
  } finally {
    db.close();
  }
}

/**
 * The pile against an empty journal, with the default limits (the pile is cut to
 * checkout.maxOpenBaskets at the first start) and with the limit raised to keep it all (each
 * timed basket then drops the oldest), as a table (or JSON with `--json`).
 */
export async function reportOpenBaskets(openBaskets: number, json: boolean): Promise<void> {
  const rows: [string, OpenBasketsResult][] = [
    ["empty journal", await measureOpenBaskets(0)],
    ["default limits", await measureOpenBaskets(openBaskets)],
    [`maxOpenBaskets ${openBaskets}`, await measureOpenBaskets(openBaskets, { maxOpenBaskets: openBaskets })],
  ];
  if (json) {
    process.stdout.write(`${JSON.stringify(rows.map(([config, r]) => ({ config, ...r })))}\n`);
    return;
  }
  const header = [
    "config",
    "open baskets",
    "first start",
    "start (median)",
    "RSS after start / baskets",
    "basket ack p50 / p95 / max",
  ];
  process.stdout.write(`${header.join("  ")}\n`);
  for (const [config, r] of rows) {
    const cells = [
      config.padEnd(header[0]?.length ?? 0),
      String(r.openBaskets).padStart(header[1]?.length ?? 0),
      `${r.firstStartMs} ms`.padStart(header[2]?.length ?? 0),
      `${r.startupToReadyMs} ms, ${r.startupCpuMs} ms`.padStart(header[3]?.length ?? 0),
      `${r.rssAfterStartMb} / ${r.rssAfterBasketsMb} MB`.padStart(header[4]?.length ?? 0),
      `${r.basketAckP50Ms} / ${r.basketAckP95Ms} / ${r.basketAckMaxMs} ms`.padStart(header[5]?.length ?? 0),
      `${r.cpuPerBasketMs} ms`,
    ];
    process.stdout.write(`${cells.join("  ")}\n`);
  }
}
