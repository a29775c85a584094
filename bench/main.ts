import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSystem } from "../demo/system.js";
import { localDayOf } from "../agent/report/index.js";
import { JOURNAL_FILE } from "../agent/journal/journal-access.js";
import { writeAgedJournal } from "./aged-journal.js";
import { measureLatency } from "./latency.js";
import { makeCodeCache } from "./daemon-process.js";
import { measureMemory } from "./memory.js";
import { reportOpenBaskets } from "./open-baskets.js";
import { startBenchMosquitto } from "./mosquitto.js";
import { timeReport } from "./report-time.js";
import { socatPair } from "./serial-pair.js";
import { round } from "./stats.js";

/**
 * `npm run bench [-- --json] [--sales N] [--memory-sales N] [--aged-journal N | --open-baskets N]`:
 * sales through the whole system — the Vipps simulator, a real mosquitto, the bridge over HTTP, the agent,
 * the reference register — with zero customer think time. Targets (issue 16): each
 * agent-added latency p99 < 5 ms, webhook → create p99 < 20 ms, ≥ 50 sequential sales/s with
 * every fsync, exactly 2 ePayment calls per sale when the webhook is in time, RSS < 80 MB
 * after 1,000 sales and < 5 MB over start once idle (memory.ts), ready in < 350 ms (< 500 ms on
 * an aged journal). The daemon starts as on a till: from the code cache install.sh makes
 * (`pos-agent code-cache`); its start without one is measured too.
 *
 * `--aged-journal N` first writes N finished sales through the real checkout into the journal
 * (aged-journal.ts; ~500 a day, the oldest day past the 400-day retention), then measures the
 * same on it, plus its size, the daily prune while selling, and `pos-agent report` for a day.
 * `--open-baskets N` measures only what N open baskets in the journal cost (open-baskets.ts).
 */
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

const SALES_PER_DAY = 500;
const DAY_MS = 86_400_000;

const json = process.argv.includes("--json");

makeCodeCache();

// `--open-baskets N`: only what N open baskets in the journal cost (see open-baskets.ts).
if (process.argv.includes("--open-baskets")) {
  await reportOpenBaskets(option("--open-baskets", 10_000), json);
  process.exit(0);
}
const sales = option("--sales", 300);
const memorySales = option("--memory-sales", 1000);
const agedSales = option("--aged-journal", 0);

const dir = mkdtempSync(join(tmpdir(), "pos-bench-"));
const broker = await startBenchMosquitto();
const cable = await socatPair(join(dir, "agent-tty"), join(dir, "register-tty"));
const system = await startSystem({
  directory: dir,
  brokerUrl: broker.url,
  registerPath: join(dir, "agent-tty"),
  simulator: { defaultBehaviour: { payment: { action: "approve", afterMs: 0 } } },
});
const journalFile = join(system.loaded.config.storage.directory, JOURNAL_FILE);
const sizeMb = (): number =>
  [journalFile, `${journalFile}-wal`]
    .filter((f) => existsSync(f))
    .reduce((sum, f) => sum + statSync(f).size, 0) / 1_048_576;

let aged: { agedSales: number; agedWriteS: number; journalMb: number } | undefined;
let reportMs: number | undefined;
try {
  if (agedSales > 0) {
    const { writeMs } = await writeAgedJournal({
      config: system.loaded.config,
      sales: agedSales,
      days: agedSales / SALES_PER_DAY + 1,
      now: Date.now(),
    });
    aged = { agedSales, agedWriteS: round(writeMs / 1000, 0), journalMb: round(sizeMb(), 1) };
  }
  const latency = await measureLatency(system, { sales, warmup: 20, prune: aged !== undefined });
  if (aged !== undefined)
    reportMs = await timeReport(system.configFile, localDayOf(Date.now() - DAY_MS).date);
  const memory = await measureMemory(system, join(dir, "register-tty"), memorySales);
  const { sales: latencySales, ...latencyFigures } = latency;
  const result = {
    ...latencyFigures,
    rssStartMb: memory.rssStartMb,
    rssAfter1000SalesMb: memory.rssAfterSalesMb,
    rssAfterIdleMb: memory.rssAfterIdleMb,
    rssEvery250SalesMb: memory.rssEvery250SalesMb,
    startupToReadyMs: memory.startupToReadyMs,
    startupToReadyMaxMs: memory.startupToReadyMaxMs,
    startupCodeCache: memory.startupCodeCache,
    startupWithoutCodeCacheMs: memory.startupWithoutCodeCacheMs,
    startupCpuMs: memory.startupCpuMs,
    ...(aged === undefined ? {} : { ...aged, reportMs }),
    latencySales,
    memorySales: memory.memorySales,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const readyTarget = aged === undefined ? "< 350 ms" : "< 500 ms";
    const rows: [string, string, string][] = [
      ["check-in → create request, p50", `${result.checkinToCreateP50Ms} ms`, "< 5 ms"],
      ["check-in → create request, p99", `${result.checkinToCreateP99Ms} ms`, "< 5 ms"],
      ["authorized → capture request, p99", `${result.authorizedToCaptureP99Ms} ms`, "< 5 ms"],
      ["capture answer → register told, p99", `${result.captureToRegisterP99Ms} ms`, "< 5 ms"],
      ["bridge webhook → create at Vipps, p50", `${result.webhookToCreateP50Ms} ms`, ""],
      ["bridge webhook → create at Vipps, p99", `${result.webhookToCreateP99Ms} ms`, "< 20 ms"],
      ["sales per second (sequential)", `${result.salesPerSecond}`, "≥ 50"],
      ["ePayment calls per sale", `${result.apiCallsPerSale}`, "2"],
      ["daemon RSS after start", `${result.rssStartMb} MB`, "< 80 MB"],
      [`daemon RSS after ${memory.memorySales} sales`, `${result.rssAfter1000SalesMb} MB`, "< 80 MB"],
      ["daemon RSS 30 s after the last sale", `${result.rssAfterIdleMb} MB`, "< start + 5 MB"],
      ["daemon RSS every 250 sales", result.rssEvery250SalesMb.join(" → ") + " MB", "flat"],
      ["start → serving (READY), median", `${result.startupToReadyMs} ms`, readyTarget],
      ["start → serving (READY), slowest", `${result.startupToReadyMaxMs} ms`, ""],
      ["  the daemon's code cache", result.startupCodeCache, "used"],
      ["  start → serving without it, median", `${result.startupWithoutCodeCacheMs} ms`, ""],
      ["start → serving, CPU used, median", `${result.startupCpuMs} ms`, ""],
    ];
    if (aged !== undefined) {
      rows.push(
        [
          `journal with ${aged.agedSales} sales (written in ${aged.agedWriteS} s)`,
          `${aged.journalMb} MB`,
          "",
        ],
        [`daily prune: ${latency.pruneSales ?? 0} sales in`, `${latency.pruneMs ?? 0} ms`, ""],
        ["daily prune, longest stall", `${latency.pruneLongestStallMs ?? 0} ms`, "< 5 ms"],
        [
          `worst agent-added delay of ${latency.salesDuringPrune ?? 0} sales meanwhile`,
          `${latency.pruneSaleMaxMs ?? 0} ms`,
          "",
        ],
        ["pos-agent report for a day, median", `${reportMs ?? 0} ms`, "< 1000 ms"],
      );
    }
    const width = Math.max(...rows.map((r) => r[0].length));
    const valueWidth = Math.max(...rows.map((r) => r[1].length));
    process.stdout.write(`${"measure".padEnd(width)}  ${"result".padStart(valueWidth)}  target\n`);
    for (const [name, value, target] of rows)
      process.stdout.write(`${name.padEnd(width)}  ${value.padStart(valueWidth)}  ${target}\n`);
    process.stdout.write(
      `(${latencySales} sales for latency, ${memory.memorySales} for memory, ${memory.starts} starts)\n`,
    );
  }
} finally {
  await system.stop();
  cable.close();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
// Sockets of the last phase may linger a moment: done is done.
process.exit(0);
