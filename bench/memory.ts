import { setTimeout } from "node:timers/promises";
import { createReferenceRegister } from "../sim/register/reference-register.js";
import type { RunningSystem } from "../demo/system.js";
import { daemonIdentification, untilOnOwnQr } from "./on-own-qr.js";
import { percentile, round } from "./stats.js";
import { cpuMs, makeCodeCache, removeCodeCache, rssMb, startDaemon } from "./daemon-process.js";

/** Start-up is timed over this many starts: one start on a shared machine is a noisy sample. */
const STARTS = 7;

/**
 * How long the daemon is left without sales before its memory is read again. Right after a
 * burst of sales V8 still holds the old generation's room to allocate (its minimum step before
 * the next full collection, ~8 MB, docs/architecture.md "Measured"); once allocation stops,
 * V8's memory reducer collects and returns those pages within ~20 s. What is left then is what
 * the daemon keeps — a leak would show there, the heap's slack would not.
 */
const IDLE_MS = 30_000;

export interface MemoryResult {
  /** Median over STARTS starts of the daemon on the same journal, as after a restart. */
  readonly startupToReadyMs: number;
  readonly startupToReadyMaxMs: number;
  /** What the daemon logged of its code cache ("used", or why not) at its last start. */
  readonly startupCodeCache: string;
  /** The same median with no code cache (as before `pos-agent code-cache`, or after a node upgrade). */
  readonly startupWithoutCodeCacheMs: number;
  /** CPU the daemon used until it served, median of the starts: steadier than wall time under load. */
  readonly startupCpuMs: number;
  readonly rssStartMb: number;
  /** Right after the last sale: the working size, V8's room to allocate included. */
  readonly rssAfterSalesMb: number;
  /** After IDLE_MS without sales: what the daemon keeps. */
  readonly rssAfterIdleMb: number;
  /** RSS after every 250th sale: a climb that flattens is the heap settling, a line is a leak. */
  readonly rssEvery250SalesMb: readonly number[];
  readonly memorySales: number;
  readonly starts: number;
}

/**
 * The real daemon (`pos-agent run`) in its own process on the system's journal, its register
 * cable a real pty (`registerTty` is the register's end): how fast it is ready, how much memory
 * it holds, and whether that grows over many sales.
 */
export async function measureMemory(
  system: RunningSystem,
  registerTty: string,
  sales: number,
): Promise<MemoryResult> {
  // As installed, the daemon starts from its code cache (install.sh makes it); first without.
  // The last start with it stays up for the sales.
  removeCodeCache();
  const uncached = await timeStarts(system.configFile, STARTS);
  makeCodeCache();
  const { readyTimes, readyCpu } = await timeStarts(system.configFile, STARTS - 1);
  const daemon = await startDaemon(system.configFile);
  readyTimes.push(daemon.readyMs);
  readyCpu.push(cpuMs(daemon.child.pid ?? 0));
  const register = createReferenceRegister({ path: registerTty });
  try {
    register.start();
    await register.waitUntilUp(20_000);
    await untilOnOwnQr(() => daemonIdentification(system.loaded.config.control.socketPath));
    const pid = daemon.child.pid ?? 0;
    const rssStartMb = rssMb(pid);
    const curve: number[] = [];
    for (let n = 0; n < sales; n++) {
      const saleId = `M${n}`;
      await register.sell({
        saleId,
        currency: "NOK",
        total: 4900,
        lines: [{ id: "sku-1", name: "Kaffe", quantity: "2", unitPrice: 2450, total: 4900, vatRate: 1500 }],
      });
      await register.pay(saleId);
      system.sim.control.scan({ msisdn: "4712345678", qrContent: system.qrContent });
      const final = await register.waitForSale(saleId, undefined, 30_000);
      if (final.state !== "captured") throw new Error(`bench sale ${saleId} ended ${final.state}`);
      if ((n + 1) % 250 === 0) curve.push(round(rssMb(pid), 1));
    }
    const rssAfterSalesMb = rssMb(pid);
    await setTimeout(IDLE_MS);
    return {
      startupToReadyMs: round(percentile(readyTimes, 50), 0),
      startupToReadyMaxMs: round(Math.max(...readyTimes), 0),
      startupCodeCache: daemon.codeCache,
      startupWithoutCodeCacheMs: round(percentile(uncached.readyTimes, 50), 0),
      startupCpuMs: round(percentile(readyCpu, 50), 0),
      rssStartMb: round(rssStartMb, 1),
      rssAfterSalesMb: round(rssAfterSalesMb, 1),
      rssAfterIdleMb: round(rssMb(pid), 1),
      rssEvery250SalesMb: curve,
      memorySales: sales,
      starts: STARTS,
    };
  } finally {
    await register.stop();
    await daemon.stop();
  }
}

/** `count` starts of the daemon, each stopped once it serves: time to READY and CPU used. */
async function timeStarts(
  configFile: string,
  count: number,
): Promise<{ readyTimes: number[]; readyCpu: number[] }> {
  const readyTimes: number[] = [];
  const readyCpu: number[] = [];
  for (let n = 0; n < count; n++) {
    const once = await startDaemon(configFile);
    readyTimes.push(once.readyMs);
    readyCpu.push(cpuMs(once.child.pid ?? 0));
    await once.stop();
  }
  return { readyTimes, readyCpu };
}
