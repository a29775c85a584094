import { createMemoryCable, type Basket } from "../drivers/register/index.js";
import { createReferenceRegister, type ReferenceRegister } from "../sim/register/reference-register.js";
import { startAgent, type RunningAgent } from "../agent/runtime/agent.js";
import type { AgentTrace } from "../agent/runtime/trace.js";
import type { RunningSystem } from "../demo/system.js";
import { contentHash } from "../lib/webhook-signature.js";
import { watchHttpArrivals, type Arrival } from "./http-arrivals.js";
import { untilOnOwnQr } from "./on-own-qr.js";
import { percentile, round } from "./stats.js";

export interface LatencyResult {
  readonly sales: number;
  readonly checkinToCreateP50Ms: number;
  readonly checkinToCreateP99Ms: number;
  readonly authorizedToCaptureP99Ms: number;
  readonly captureToRegisterP99Ms: number;
  /** The bridge receiving the check-in webhook → the create request reaching the simulator. */
  readonly webhookToCreateP50Ms: number;
  readonly webhookToCreateP99Ms: number;
  readonly salesPerSecond: number;
  readonly apiCallsPerSale: number;
}

export interface PruneFigures {
  readonly pruneSales: number;
  readonly pruneMs: number;
  /** The longest single prune step: the longest the prune held the agent's event loop. */
  readonly pruneLongestStallMs: number;
  /** Sales paid while the prune ran, and the longest agent-added delay any of them saw. */
  readonly salesDuringPrune: number;
  readonly pruneSaleMaxMs: number;
}

const CUSTOMER = "4712345678";
const basketOf = (n: number): Basket => ({
  saleId: `B${n}`,
  currency: "NOK",
  total: 4900,
  lines: [{ id: "sku-1", name: "Kaffe", quantity: "2", unitPrice: 2450, total: 4900, vatRate: 1500 }],
});

interface SaleTimes {
  readonly reference: string;
  readonly checkinToCreate: number;
  readonly authorizedToCapture: number;
  readonly captureToRegister: number;
  readonly webhookToCreate: number;
}

/**
 * Sales through the whole system with zero customer think time: simulator, mosquitto, bridge
 * over HTTP, the agent (in this process, so its trace points can be timed precisely) on the
 * system's journal, the register on an in-memory cable. Measures what the agent itself adds
 * between the events that reach it and the requests it sends — journal fsyncs included — the
 * delay from the bridge's webhook to the create request a customer feels, and the sequential
 * throughput. With `prune`, first runs the daily prune while selling (an aged journal).
 */
export async function measureLatency(
  system: RunningSystem,
  o: { sales: number; warmup: number; prune?: boolean },
): Promise<LatencyResult & Partial<PruneFigures>> {
  const traces: AgentTrace[] = [];
  const arrivals = watchHttpArrivals();
  const cable = createMemoryCable();
  const agent = startAgent(system.loaded, { registerTransport: cable.a, observe: (t) => traces.push(t) });
  const register = createReferenceRegister({ transport: cable.b });
  register.start();
  try {
    await register.waitUntilUp(10_000);
    await untilOnOwnQr(() => agent.identification().current);
    const sell = (n: number) => sellOne(system, agent, register, traces, arrivals, n);
    // First, before the agent's own daily prune (60 s after start) would find the work done: on
    // a loaded machine the sales below can take longer than that.
    const pruned = o.prune === true ? await pruneWhileSelling(agent, sell, o.warmup + o.sales) : undefined;
    for (let n = 0; n < o.warmup; n++) await sell(n);
    const started = performance.now();
    const times: SaleTimes[] = [];
    for (let n = o.warmup; n < o.warmup + o.sales; n++) times.push(await sell(n));
    const elapsedS = (performance.now() - started) / 1000;
    const wanted = new Set(times.map((t) => t.reference));
    const calls = system.sim.control
      .requests()
      .filter(
        (r) => r.endpoint.startsWith("epayment.") && r.reference !== undefined && wanted.has(r.reference),
      ).length;
    const of = (pick: (t: SaleTimes) => number, p: number): number =>
      round(percentile(times.map(pick), p), 3);
    const result: LatencyResult = {
      sales: o.sales,
      checkinToCreateP50Ms: of((t) => t.checkinToCreate, 50),
      checkinToCreateP99Ms: of((t) => t.checkinToCreate, 99),
      authorizedToCaptureP99Ms: of((t) => t.authorizedToCapture, 99),
      captureToRegisterP99Ms: of((t) => t.captureToRegister, 99),
      webhookToCreateP50Ms: of((t) => t.webhookToCreate, 50),
      webhookToCreateP99Ms: of((t) => t.webhookToCreate, 99),
      salesPerSecond: round(o.sales / elapsedS, 1),
      apiCallsPerSale: round(calls / o.sales, 2),
    };
    return { ...result, ...pruned };
  } finally {
    arrivals.stop();
    await register.stop();
    await agent.stop();
  }
}

async function sellOne(
  system: RunningSystem,
  agent: RunningAgent,
  register: ReferenceRegister,
  traces: AgentTrace[],
  arrivals: ReturnType<typeof watchHttpArrivals>,
  n: number,
): Promise<SaleTimes> {
  traces.length = 0;
  arrivals.take();
  const basket = basketOf(n);
  await register.sell(basket);
  await register.pay(basket.saleId);
  const { deliveryIds } = system.sim.control.scan({ msisdn: CUSTOMER, qrContent: system.qrContent });
  const final = await register.waitForSale(basket.saleId, undefined, 30_000);
  if (final.state !== "captured") throw new Error(`bench sale ${basket.saleId} ended ${final.state}`);
  const reference = final.reference ?? "";
  const at = (match: (t: AgentTrace) => boolean): number => traces.find(match)?.at ?? Number.NaN;
  const captured = at((t) => t.kind === "vipps_response" && t.op === "capture");
  return {
    reference,
    checkinToCreate:
      at((t) => t.kind === "vipps_request" && t.op === "create") - at((t) => t.kind === "checkin"),
    authorizedToCapture:
      at((t) => t.kind === "vipps_request" && t.op === "capture") -
      at((t) => t.kind === "payment_event" && t.name === "AUTHORIZED"),
    captureToRegister: at((t) => t.kind === "register_report" && t.state === "captured") - captured,
    webhookToCreate: webhookToCreate(system, deliveryIds, arrivals.take(), reference),
  };
}

/** From the check-in webhook reaching the bridge to the create reaching the simulator, ms. */
function webhookToCreate(
  system: RunningSystem,
  deliveryIds: readonly string[],
  arrivals: readonly Arrival[],
  reference: string,
): number {
  const hashes = new Set(
    system.sim.control
      .deliveries()
      .filter((d) => deliveryIds.includes(d.id))
      .map((d) => contentHash(Buffer.from(d.body, "utf8"))),
  );
  const webhook = arrivals.find(
    (a) => a.path === system.bridge.webhookPath && hashes.has(String(a.headers["x-ms-content-sha256"] ?? "")),
  );
  const create = arrivals.find(
    (a) =>
      a.method === "POST" &&
      a.path === "/epayment/v1/payments" &&
      String(a.headers["idempotency-key"] ?? "").startsWith(`${reference}-`),
  );
  return (create?.at ?? Number.NaN) - (webhook?.at ?? Number.NaN);
}

/** The daily prune on this journal, started now, with sales going on until it is done. */
async function pruneWhileSelling(
  agent: RunningAgent,
  sell: (n: number) => Promise<SaleTimes>,
  firstSale: number,
): Promise<PruneFigures> {
  const started = performance.now();
  let done = false;
  const pruned = agent.prune().then((result) => {
    done = true;
    return { result, ms: performance.now() - started };
  });
  const during: SaleTimes[] = [];
  for (let n = firstSale; !done; n++) during.push(await sell(n));
  const { result, ms } = await pruned;
  const worst = during.flatMap((t) => [t.checkinToCreate, t.authorizedToCapture, t.captureToRegister]);
  return {
    pruneSales: result.sales,
    pruneMs: round(ms, 0),
    pruneLongestStallMs: round(result.longestStepMs, 3),
    salesDuringPrune: during.length,
    pruneSaleMaxMs: round(Math.max(0, ...worst), 3),
  };
}
