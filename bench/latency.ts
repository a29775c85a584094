import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryCable, type Basket } from "../drivers/register/index.js";
import { createReferenceRegister } from "../sim/register/reference-register.js";
import { startAgent } from "../agent/runtime/agent.js";
import type { AgentTrace } from "../agent/runtime/trace.js";
import { startSystem } from "../agent/demo/system.js";
import { percentile, round } from "./stats.js";

export interface LatencyResult {
  readonly sales: number;
  readonly checkinToCreateP50Ms: number;
  readonly checkinToCreateP99Ms: number;
  readonly authorizedToCaptureP99Ms: number;
  readonly captureToRegisterP99Ms: number;
  readonly salesPerSecond: number;
  readonly apiCallsPerSale: number;
}

const CUSTOMER = "4712345678";
const basketOf = (n: number): Basket => ({
  saleId: `B${n}`,
  currency: "NOK",
  total: 4900,
  lines: [{ id: "sku-1", name: "Kaffe", quantity: "2", unitPrice: 2450, total: 4900, vatRate: 1500 }],
});

/**
 * Sales through the whole system with zero customer think time: simulator, embedded broker,
 * bridge, agent (in this process, so its trace points can be timed precisely), register on an
 * in-memory cable. Measures what the agent itself adds between the events that reach it and
 * the requests it sends — journal fsyncs included — and the sequential throughput.
 */
export async function measureLatency(sales: number, warmup: number): Promise<LatencyResult> {
  const dir = mkdtempSync(join(tmpdir(), "pos-bench-"));
  const system = await startSystem({
    directory: dir,
    simulator: { defaultBehaviour: { payment: { action: "approve", afterMs: 0 } } },
  });
  const traces: AgentTrace[] = [];
  const cable = createMemoryCable();
  const agent = startAgent(system.loaded, { registerTransport: cable.a, observe: (t) => traces.push(t) });
  const register = createReferenceRegister({ transport: cable.b });
  register.start();
  await register.waitUntilUp(10_000);

  const checkinToCreate: number[] = [];
  const authorizedToCapture: number[] = [];
  const captureToRegister: number[] = [];
  const references: string[] = [];
  let started = 0;
  try {
    for (let n = 0; n < warmup + sales; n++) {
      if (n === warmup) started = performance.now();
      traces.length = 0;
      const basket = basketOf(n);
      await register.sell(basket);
      await register.pay(basket.saleId);
      system.sim.control.scan({ msisdn: CUSTOMER, qrContent: system.qrContent });
      const final = await register.waitForSale(basket.saleId, undefined, 30_000);
      if (final.state !== "captured") throw new Error(`bench sale ${basket.saleId} ended ${final.state}`);
      if (n < warmup) continue;
      references.push(final.reference ?? "");
      const at = (match: (t: AgentTrace) => boolean): number => traces.find(match)?.at ?? Number.NaN;
      const checkin = at((t) => t.kind === "checkin");
      const create = at((t) => t.kind === "vipps_request" && t.op === "create");
      const authorized = at((t) => t.kind === "payment_event" && t.name === "AUTHORIZED");
      const capture = at((t) => t.kind === "vipps_request" && t.op === "capture");
      const captured = at((t) => t.kind === "vipps_response" && t.op === "capture");
      const told = at((t) => t.kind === "register_report" && t.state === "captured");
      checkinToCreate.push(create - checkin);
      authorizedToCapture.push(capture - authorized);
      captureToRegister.push(told - captured);
    }
    const elapsedS = (performance.now() - started) / 1000;
    const wanted = new Set(references);
    const calls = system.sim.control
      .requests()
      .filter(
        (r) => r.endpoint.startsWith("epayment.") && r.reference !== undefined && wanted.has(r.reference),
      ).length;
    return {
      sales,
      checkinToCreateP50Ms: round(percentile(checkinToCreate, 50), 3),
      checkinToCreateP99Ms: round(percentile(checkinToCreate, 99), 3),
      authorizedToCaptureP99Ms: round(percentile(authorizedToCapture, 99), 3),
      captureToRegisterP99Ms: round(percentile(captureToRegister, 99), 3),
      salesPerSecond: round(sales / elapsedS, 1),
      apiCallsPerSale: round(calls / sales, 2),
    };
  } finally {
    await register.stop();
    await agent.stop();
    await system.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
