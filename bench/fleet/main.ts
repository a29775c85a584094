import { runFleet } from "./fleet-run.js";
import type { FleetReport } from "./fleet-report.js";

/**
 * `npm run bench:fleet [-- --json] [--tills N] [--webhooks N] [--rate N]`: the fleet of issue 18
 * on a three-node NATS cluster (bench/fleet/fleet-run.ts) and what it measured. Targets on the
 * development machine: ≥ 1,000 webhooks/s aggregate, p99 webhook → till < 50 ms at 200
 * webhooks/s, 0 lost, 0 duplicate effects. `--json` prints one object.
 */
function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const value = i === -1 ? undefined : Number(process.argv[i + 1]);
  return value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

const json = process.argv.includes("--json");
const rate = option("--rate", 200);
const report: FleetReport = await runFleet({
  tills: option("--tills", 1_000),
  merchants: 10,
  daemons: 2,
  replicas: 3,
  webhooks: option("--webhooks", 20_000),
  duplicateEvery: 10,
  concurrency: option("--concurrency", 48),
  killAt: 0.5,
  killNode: 1,
  restartAfterMs: 5_000,
  latency: { webhooks: option("--latency-webhooks", rate * 15), ratePerSecond: rate },
  drainTimeoutMs: 120_000,
  idleCpuMs: 10_000,
  progress: json ? undefined : (line) => process.stderr.write(`${line}\n`),
});

const result = {
  tills: report.tills,
  webhooksPerSecond: report.webhooksPerSecond,
  webhookToTillP50Ms: report.webhookToTillP50Ms,
  webhookToTillP99Ms: report.webhookToTillP99Ms,
  nodeKillRecoveryMs: report.nodeKillRecoveryMs,
  lost: report.lost,
  duplicateEffects: report.duplicateEffects,
  latencyRatePerSecond: report.latencyRatePerSecond,
  webhookAcceptedP50Ms: report.webhookAcceptedP50Ms,
  webhookAcceptedP99Ms: report.webhookAcceptedP99Ms,
  stages: report.stages,
  webhooks: report.webhooks,
  duplicatesSent: report.duplicatesSent,
  misrouted: report.misrouted,
  neverAccepted: report.neverAccepted,
  answers5xx: report.answers5xx,
  outsideOutageAnswers: report.outsideOutageAnswers,
  restartedAfterKillMs: report.restartedAfterKillMs,
  killedNodeTills: report.killedNodeTills,
  daemonSales: {
    sales: report.daemonSales.sales,
    capturedOnce: report.daemonSales.capturedOnce,
    perSaleQr: report.daemonSales.perSaleQr,
    problems: report.daemonSales.problems.slice(0, 20),
  },
  memoryMb: report.memoryMb,
  tillsReadyMs: report.tillsReadyMs,
  idleClusterCpuPercent: report.idleClusterCpuPercent,
  cpuMsPerWebhook: report.cpuMsPerWebhook,
};

if (json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const mb = (values: readonly number[]): string => values.map((v) => `${v}`).join(" / ");
  const rows: [string, string, string][] = [
    ["tills (one process) + pos-agent daemons", `${report.tills} + ${report.daemons}`, "≥ 1,000"],
    ["webhooks/s, all replicas (before the kill)", `${report.webhooksPerSecond.aggregate}`, "≥ 1,000"],
    ["webhooks/s per replica", report.webhooksPerSecond.perReplica.join(" / "), ""],
    [`webhook → till at ${report.latencyRatePerSecond}/s, p50`, `${report.webhookToTillP50Ms} ms`, ""],
    [`webhook → till at ${report.latencyRatePerSecond}/s, p99`, `${report.webhookToTillP99Ms} ms`, "< 50 ms"],
    [
      `webhook → bridge 2xx, p50 / p99`,
      `${report.webhookAcceptedP50Ms} / ${report.webhookAcceptedP99Ms} ms`,
      "",
    ],
    [
      "of which publish → PUBACK: mean; p50 / p99 at most",
      report.stages === undefined
        ? "-"
        : `${report.stages.pubackMeanMs}; ${report.stages.pubackP50AtMostMs} / ${report.stages.pubackP99AtMostMs} ms`,
      "",
    ],
    [
      "bridge 2xx → till acted on, p50",
      report.stages === undefined ? "-" : `${report.stages.acceptedToActedP50Ms} ms`,
      "",
    ],
    ["kill -9 of a node → fleet whole again", `${report.nodeKillRecoveryMs ?? "-"} ms`, ""],
    ["lost (2xx, never acted on)", `${report.lost}`, "0"],
    ["duplicate effects", `${report.duplicateEffects}`, "0"],
    ["acted on by the wrong till", `${report.misrouted}`, "0"],
    [
      "5xx answers (outside the outage)",
      `${report.answers5xx.count} (${report.answers5xx.outsideOutage})`,
      "(0)",
    ],
    [
      "killed node's tills: back elsewhere; queued / received",
      `${report.killedNodeTills.reconnectedElsewhere}/${report.killedNodeTills.tills}; ${report.killedNodeTills.queuedWhileAway} / ${report.killedNodeTills.receivedAfterReturn}`,
      "",
    ],
    ["daemon sales captured once", `${report.daemonSales.capturedOnce}/${report.daemonSales.sales}`, "all"],
    ["daemon sales paid by per-sale QR", `${report.daemonSales.perSaleQr}`, ""],
    ["RSS: bridges", `${mb(report.memoryMb.bridges)} MB`, ""],
    ["RSS: NATS nodes", `${mb(report.memoryMb.nodes)} MB`, ""],
    [
      "RSS: daemons; tills' process",
      `${mb(report.memoryMb.daemons)}; ${report.memoryMb.tillsProcess} MB`,
      "",
    ],
    [
      "CPU ms per webhook: nodes / bridges / tills",
      `${report.cpuMsPerWebhook.nodes} / ${report.cpuMsPerWebhook.bridges} / ${report.cpuMsPerWebhook.tills}`,
      "",
    ],
    ["NATS CPU, every session idle", `${report.idleClusterCpuPercent ?? "-"} % of a core`, ""],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`${"measure".padEnd(width)}  ${"result".padStart(22)}  target\n`);
  for (const [name, value, target] of rows)
    process.stdout.write(`${name.padEnd(width)}  ${value.padStart(22)}  ${target}\n`);
  process.stdout.write(
    `(${report.webhooks} webhooks with ${report.duplicatesSent} repeats; ${report.latencyWebhooks} at a fixed rate; ${report.tills} tills subscribed in ${report.tillsReadyMs} ms)\n`,
  );
  // Which answers were not 2xx, and when (ms after the kill): what to look at when any came outside the outage.
  if (report.answers5xx.count > 0)
    process.stdout.write(
      `(non-2xx by code: ${JSON.stringify(report.answers5xx.byCode)}; from ${report.fiveXxWindowMs?.[0] ?? "-"} to ${report.fiveXxWindowMs?.[1] ?? "-"} ms after the kill; the node healthy again ${report.restartedAfterKillMs ?? "-"} ms after it)\n`,
    );
  for (const problem of report.daemonSales.problems.slice(0, 20))
    process.stdout.write(`(daemon sale: ${problem})\n`);
  if (report.outsideOutageAnswers.length > 0)
    process.stdout.write(
      `(outside the outage, ms after the kill: ${report.outsideOutageAnswers.map((a) => `${a.code} ${a.afterKillMs}`).join(", ")})\n`,
    );
}
process.exit(0);
