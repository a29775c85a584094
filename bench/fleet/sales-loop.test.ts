import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { createPtyPair, type PtyPair } from "../../test/helpers/pty-pair.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { sellUntilStopped, type SaleRecord } from "./sales-loop.js";

/**
 * The fleet daemons' sales loop against the reference register on a real pty whose other end
 * nobody answers: the register link never comes up and refuses every send at once. A loop that
 * went on selling anyway would never give a timer a turn (every step a resolved promise): the
 * link could never come back and the records grew without end — the fleet bench's 4.3 GB hang
 * after the node kill (issue 18).
 */
describe("the fleet daemons' sales loop", () => {
  let pty: PtyPair | undefined;
  let register: ReferenceRegister | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await register?.stop();
    await pty?.close();
    cleanup?.();
  });

  it("starts no sale while the register link is down, and lets timers run meanwhile", async () => {
    const dir = tempDir("sales-loop-");
    cleanup = dir.cleanup;
    pty = await createPtyPair({ a: join(dir.path, "agent"), b: join(dir.path, "register") });
    const clock = new ManualClock();
    register = createReferenceRegister({ path: pty.b, clock, heartbeatIntervalMs: 1_000 });
    register.start();

    // A macrotask queued now runs only if the loop yields to the event loop.
    let macrotaskRan = false;
    setImmediate(() => (macrotaskRan = true));
    let checks = 0;
    let spun = false;
    let stop = false;
    const sales: SaleRecord[] = [];
    const loop = sellUntilStopped({
      tillId: "pos1",
      register,
      customer: { scanTillQr: () => undefined, scanPaymentQr: () => false },
      sales,
      clock,
      stopping: () => {
        checks += 1;
        // Ends a loop that spins (else this test would hang with it).
        if (!macrotaskRan && checks > 20) spun = true;
        return stop || spun;
      },
    });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect({ spun, checks: checks <= 20 }).toEqual({ spun: false, checks: true });
    expect(sales).toEqual([]);

    // Stopping while the link is down ends the loop once its wait is over.
    stop = true;
    clock.advance(120_000);
    await loop;
    expect(sales).toEqual([]);
  });
});
