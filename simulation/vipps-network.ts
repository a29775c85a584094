/** The Vipps client's simulated network: seeded faults between the agent and the in-process Vipps. */
import type { AnswerHeaders, ExchangeAnswer, ExchangeRequest } from "../agent/vipps/node-http-exchange.js";
import type { FaultPlan } from "./faults.js";
import type { Prng } from "./prng.js";
import type { Process } from "./sim-process.js";
import type { InProcessVipps } from "./vipps-world.js";

/** What the network needs from the trial: the seed's faults, whether they are on, its crash points. */
export interface SimNetwork {
  readonly plan: FaultPlan;
  readonly prng: Prng;
  readonly vipps: InProcessVipps;
  readonly faultsOn: () => boolean;
  readonly point: (what: string) => void;
  readonly log: (line: string) => void;
}

/**
 * The Vipps client's network: requests reach the in-process Vipps unless a fault drawn from
 * the seed refuses, fails or loses them. A lost answer is the outcome-unknown case: Vipps
 * processed the request, the agent sees a dropped connection. A "timeout" is no answer at
 * all, whether or not the request reached Vipps: the client's attempt timer, on the
 * process's clock, gives up after requestTimeoutMs and the client retries with the same key.
 */
export function vippsExchange(
  net: SimNetwork,
  p: Process,
  request: ExchangeRequest,
): Promise<ExchangeAnswer> {
  const { plan, prng, vipps, point, log } = net;
  const path = new URL(request.url).pathname;
  const what = `${request.method} ${path}`;
  return new Promise<ExchangeAnswer>((resolve, reject) => {
    const fail = (why: string): void => reject(new Error(`simulated network: ${why}`));
    // As node:http does: an aborted exchange rejects with the signal's reason.
    request.signal.addEventListener("abort", () => reject(request.signal.reason as Error), { once: true });
    point(`before ${what} left`);
    if (!p.alive) return;
    const fault = net.faultsOn() ? plan.vippsFault(prng) : "none";
    if (fault === "refused") {
      log(`vipps ${what}: connection refused`);
      p.clock.setTimeout(
        () => reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })),
        5,
      );
      return;
    }
    if (fault === "5xx" || fault === "429" || fault === "423") {
      const status = fault === "5xx" ? prng.pick([500, 502, 503]) : Number(fault);
      log(`vipps ${what}: ${status} (fault)`);
      const headers: Record<string, string> = status === 429 || status === 503 ? { "retry-after": "1" } : {};
      p.clock.setTimeout(
        () => resolve({ status, headers: answerHeaders(headers), text: JSON.stringify({ title: "fault" }) }),
        20,
      );
      return;
    }
    if (fault === "timeout") {
      const reached = prng.chance(0.5);
      const where = reached ? "processed by Vipps" : "never reached Vipps";
      log(`vipps ${what} ${describeKey(request)}→ no answer (${where}); the client times out`);
      if (reached) void vipps.handle(request, Buffer.from(request.body ?? "", "utf8"));
      return;
    }
    // The request reaches Vipps and is processed; its answer may still be lost.
    void vipps.handle(request, Buffer.from(request.body ?? "", "utf8")).then((answer) => {
      log(`vipps ${what} ${describeKey(request)}→ ${answer.status}`);
      const latency = prng.int(5, 400);
      p.clock.setTimeout(() => {
        if (fault === "lost") {
          log(`vipps ${what}: answer lost (connection dropped)`);
          fail("socket hang up");
          return;
        }
        point(`after ${what} was processed, before its answer arrived`);
        if (!p.alive) return;
        resolve({
          status: answer.status,
          headers: answerHeaders(answer.headers),
          text: answer.body.toString("utf8"),
        });
      }, latency);
    });
  });
}

function describeKey(request: ExchangeRequest): string {
  const key = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "idempotency-key");
  return key === undefined ? "" : `[${key[1]}] `;
}

function answerHeaders(headers: Readonly<Record<string, string | readonly string[]>>): AnswerHeaders {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v].flat().join(", ")]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}
