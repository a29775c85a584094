import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE, lineFor, makeBasket } from "../../sim/register/catalogue.js";
import { scan, startE2E, type E2E } from "./harness.js";

/**
 * Item 1 of issue 20 over real parts: the reference register sells beer (a line with
 * `minimumAge` 18) over a pty, the agent asks the Vipps simulator over HTTP with
 * `minimumUserAge`, and the simulator — as Vipps documents — refuses the push to a 17-year-old.
 */
const today = new Date();
const born = (yearsAgo: number): string =>
  `${today.getUTCFullYear() - yearsAgo}-${String(today.getUTCMonth() + 1).padStart(2, "0")}-${String(today.getUTCDate()).padStart(2, "0")}`;
const TEEN = "4790000017";
const ADULT = "4790000040";
const beer = CATALOGUE.find((a) => a.id === "pils");
const coffee = CATALOGUE.find((a) => a.id === "kaffe");
if (beer === undefined || coffee === undefined) throw new Error("catalogue changed");

describe("end to end: age-restricted goods", () => {
  let e2e: E2E;
  let n = 0;
  const saleId = (): string => `AGE-${process.pid}-${++n}`;
  beforeAll(async () => {
    e2e = await startE2E({
      system: {
        simulator: {
          customers: {
            [TEEN]: { profile: { birthdate: born(17) } },
            [ADULT]: { profile: { birthdate: born(40) } },
          },
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  async function sell(lines: ReturnType<typeof lineFor>[], customer: string, minimumAge?: number) {
    const basket = makeBasket(saleId(), "NOK", lines);
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    expect(await e2e.register.pay(basket.saleId, undefined, minimumAge)).toEqual({ acked: true });
    scan(e2e, customer);
    return e2e.register.waitForSale(basket.saleId, undefined, 20_000);
  }

  it("a 17-year-old buying beer: Vipps pushes nothing and the register hears AGE_NOT_VERIFIED", async () => {
    const final = await sell([lineFor(beer, "2")], TEEN);
    expect(final).toMatchObject({ state: "failed", final: true, reason: "AGE_NOT_VERIFIED" });
    const payment = e2e.system.sim.control.payments().find((p) => p.reference === final.reference);
    expect(payment).toBeUndefined();
  });

  it("the same 17-year-old buying coffee pays; so does a 40-year-old buying beer", async () => {
    expect(await sell([lineFor(coffee)], TEEN)).toMatchObject({ state: "captured", capturedAmount: 4900 });
    expect(await sell([lineFor(beer), lineFor(coffee)], ADULT)).toMatchObject({
      state: "captured",
      capturedAmount: 9390,
    });
  });

  it("an age on pay counts for the whole sale", async () => {
    expect(await sell([lineFor(coffee)], TEEN, 18)).toMatchObject({
      state: "failed",
      reason: "AGE_NOT_VERIFIED",
    });
  });

  it("an age the protocol does not allow is refused and changes nothing", async () => {
    const basket = makeBasket(saleId(), "NOK", [{ ...lineFor(beer), minimumAge: 0 }]);
    expect(await e2e.register.sendRaw({ type: "basket", ...basket })).toMatchObject({
      refused: { code: "BAD_FIELD", message: "lines[0].minimumAge: expected an integer from 1 to 99" },
    });
    expect(e2e.agent.runner.statusOf(basket.saleId)).toBeUndefined();
  });
});
