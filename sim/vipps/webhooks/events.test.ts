import { describe, expect, it } from "vitest";
import { PAYMENT_EVENT_NAMES } from "../../../agent/vipps/types/epayment.js";
import { EPAYMENT_EVENT_NAMES, epaymentWebhookEvent } from "./events.js";

describe("the simulator's ePayment event names", () => {
  it("are the ones the agent's Vipps contract accepts, no more, no fewer", () => {
    expect([...EPAYMENT_EVENT_NAMES].sort()).toEqual([...PAYMENT_EVENT_NAMES].sort());
  });

  it("name their webhooks epayments.payment.<name>.v1", () => {
    expect(epaymentWebhookEvent("AUTHORIZED")).toBe("epayments.payment.authorized.v1");
  });
});
