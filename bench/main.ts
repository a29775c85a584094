import { measureLatency } from "./latency.js";
import { measureMemory } from "./memory.js";
import { reportOpenBaskets } from "./open-baskets.js";

/**
 * `npm run bench [-- --json] [--sales N] [--memory-sales N | --open-baskets N]`: sales through the whole system
 * with zero customer think time. Targets (issue 6): each agent-added latency p99 < 5 ms,
 * ≥ 20 sequential sales/s with the journal's fsyncs, exactly 2 ePayment calls per sale when
 * the webhook is in time, RSS < 80 MB growing < 5 MB over 1,000 sales, ready in < 500 ms.
 */
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

const json = process.argv.includes("--json");

// `--open-baskets N`: only what N open baskets in the journal cost (see open-baskets.ts).
if (process.argv.includes("--open-baskets")) {
  await reportOpenBaskets(option("--open-baskets", 10_000), json);
  process.exit(0);
}
const sales = option("--sales", 300);
const memorySales = option("--memory-sales", 1000);

const latency = await measureLatency(sales, 20);
const memory = await measureMemory(memorySales);
const result = {
  checkinToCreateP50Ms: latency.checkinToCreateP50Ms,
  checkinToCreateP99Ms: latency.checkinToCreateP99Ms,
  authorizedToCaptureP99Ms: latency.authorizedToCaptureP99Ms,
  captureToRegisterP99Ms: latency.captureToRegisterP99Ms,
  salesPerSecond: latency.salesPerSecond,
  apiCallsPerSale: latency.apiCallsPerSale,
  rssStartMb: memory.rssStartMb,
  rssAfter1000SalesMb: memory.rssAfterSalesMb,
  startupToReadyMs: memory.startupToReadyMs,
  startupToReadyMaxMs: memory.startupToReadyMaxMs,
  latencySales: latency.sales,
  memorySales: memory.memorySales,
};

if (json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const rows: [string, string, string][] = [
    ["check-in → create request, p50", `${result.checkinToCreateP50Ms} ms`, "< 5 ms"],
    ["check-in → create request, p99", `${result.checkinToCreateP99Ms} ms`, "< 5 ms"],
    ["authorized → capture request, p99", `${result.authorizedToCaptureP99Ms} ms`, "< 5 ms"],
    ["capture answer → register told, p99", `${result.captureToRegisterP99Ms} ms`, "< 5 ms"],
    ["sales per second (sequential)", `${result.salesPerSecond}`, "≥ 20"],
    ["ePayment calls per sale", `${result.apiCallsPerSale}`, "2"],
    ["daemon RSS after start", `${result.rssStartMb} MB`, "< 80 MB"],
    [`daemon RSS after ${memory.memorySales} sales`, `${result.rssAfter1000SalesMb} MB`, "< start + 5 MB"],
    ["start → serving (READY), median", `${result.startupToReadyMs} ms`, "< 500 ms"],
    ["start → serving (READY), slowest", `${result.startupToReadyMaxMs} ms`, ""],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`${"measure".padEnd(width)}  ${"result".padStart(12)}  target\n`);
  for (const [name, value, target] of rows)
    process.stdout.write(`${name.padEnd(width)}  ${value.padStart(12)}  ${target}\n`);
  process.stdout.write(
    `(${latency.sales} sales for latency, ${memory.memorySales} for memory, ${memory.starts} starts)\n`,
  );
}
// The embedded broker and simulator sockets of the last phase may linger a moment: done is done.
process.exit(0);
