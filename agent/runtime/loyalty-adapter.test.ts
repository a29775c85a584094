import { describe, expect, it } from "vitest";
import { silentLogger } from "../../lib/log.js";
import type { Input } from "../checkout/io.js";
import type { EnrollResult, IdentifyResult } from "../loyalty/port.js";
import { InFlight } from "./in-flight.js";
import { LoyaltyAdapter } from "./loyalty-adapter.js";
import type { LoyaltyPort } from "../loyalty/port.js";

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function setup(loyalty?: LoyaltyPort) {
  const inputs: Input[] = [];
  const names = new Map<string, string | undefined>();
  const inFlight = new InFlight(silentLogger());
  const adapter = new LoyaltyAdapter({
    ...(loyalty === undefined ? {} : { loyalty }),
    submit: (input) => inputs.push(input),
    rememberName: (saleId, name) => names.set(saleId, name),
    inFlight,
    logger: silentLogger(),
  });
  return { adapter, inputs, names, inFlight };
}

/** A loyalty port answering as scripted, recording the enrollments' abort signals. */
function port(identify: IdentifyResult, enroll: EnrollResult = { kind: "declined" }) {
  const signals: AbortSignal[] = [];
  let bind: ((message: string) => void) | undefined;
  let finish: ((r: EnrollResult) => void) | undefined;
  const loyalty: LoyaltyPort = {
    identify: () => Promise.resolve(identify),
    enroll: (_candidate, onBinding, signal) => {
      signals.push(signal);
      bind = onBinding;
      return new Promise((resolve) => (finish = resolve));
    },
  };
  return { loyalty, signals, bind: (m: string) => bind?.(m), finish: () => finish?.(enroll) };
}

describe("LoyaltyAdapter: loyalty effects in, checkout inputs out, no personal data", () => {
  it("a member: only id and tier reach the checkout; the first name goes to the display", async () => {
    const { loyalty } = port({ kind: "member", member: { id: "M-1", tier: "gold", displayName: "Kari" } });
    const { adapter, inputs, names } = setup(loyalty);
    adapter.perform({ type: "loyalty_identify", saleId: "S1", customerToken: "tok" });
    expect(inputs).toEqual([]); // never synchronously
    await settle();
    expect(inputs).toEqual([
      {
        type: "loyalty_identified",
        saleId: "S1",
        result: { kind: "member", member: { id: "M-1", tier: "gold" } },
      },
    ]);
    expect(names.get("S1")).toBe("Kari");
  });

  it("not a member gives the opaque handle; unavailable lets the sale go on", async () => {
    const a = setup(port({ kind: "not_member", candidate: { handle: "h-1" } }).loyalty);
    a.adapter.perform({ type: "loyalty_identify", saleId: "S1", customerToken: "tok" });
    const b = setup(port({ kind: "unavailable", reason: "backend down" }).loyalty);
    b.adapter.perform({ type: "loyalty_identify", saleId: "S2", customerToken: "tok" });
    await settle();
    expect(a.inputs).toEqual([
      { type: "loyalty_identified", saleId: "S1", result: { kind: "not_member", candidate: "h-1" } },
    ]);
    expect(b.inputs).toEqual([{ type: "loyalty_identified", saleId: "S2", result: { kind: "unavailable" } }]);
  });

  it("an enrollment passes the binding message on, and ends enrolled or without a member", async () => {
    const p = port({ kind: "unavailable", reason: "-" }, { kind: "enrolled", member: { id: "M-2" } });
    const { adapter, inputs } = setup(p.loyalty);
    adapter.perform({ type: "loyalty_enroll", saleId: "S1", candidate: "h-1" });
    p.bind("ABC123");
    p.finish();
    await settle();
    expect(inputs).toEqual([
      { type: "loyalty_binding", saleId: "S1", bindingMessage: "ABC123" },
      { type: "loyalty_enrolled", saleId: "S1", member: { id: "M-2" } },
    ]);
  });

  it("abort and stop abort the login; a binding message after that is dropped", async () => {
    const p = port({ kind: "unavailable", reason: "-" });
    const { adapter, inputs } = setup(p.loyalty);
    adapter.perform({ type: "loyalty_enroll", saleId: "S1", candidate: "h-1" });
    adapter.perform({ type: "loyalty_abort", saleId: "S1" });
    expect(p.signals[0]?.aborted).toBe(true);
    p.bind("late");
    adapter.perform({ type: "loyalty_enroll", saleId: "S2", candidate: "h-2" });
    adapter.stop();
    expect(p.signals[1]?.aborted).toBe(true);
    p.finish();
    await settle();
    expect(inputs).toEqual([{ type: "loyalty_enrolled", saleId: "S2" }]);
  });

  it("with loyalty switched off since the sale started, answers at once so the sale goes on", () => {
    const { adapter, inputs } = setup();
    adapter.perform({ type: "loyalty_identify", saleId: "S1", customerToken: "tok" });
    adapter.perform({ type: "loyalty_enroll", saleId: "S1", candidate: "h" });
    expect(inputs).toEqual([
      { type: "loyalty_identified", saleId: "S1", result: { kind: "unavailable" } },
      { type: "loyalty_enrolled", saleId: "S1" },
    ]);
  });

  it("drops answers once the runner stopped", async () => {
    const { adapter, inputs, inFlight } = setup(
      port({ kind: "not_member", candidate: { handle: "h" } }).loyalty,
    );
    adapter.perform({ type: "loyalty_identify", saleId: "S1", customerToken: "tok" });
    await inFlight.stop();
    await settle();
    expect(inputs).toEqual([]);
  });
});
