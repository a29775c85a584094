/** The simulated bridge: Vipps' webhooks to the till's broker, with seeded loss, duplicates and delay. */
import { encodeEnvelope } from "../lib/mqtt-contract/index.js";
import type { PostFn } from "../sim/vipps/webhooks/dispatcher.js";
import type { SimBroker } from "./broker.js";
import type { SimClock } from "./sim-clock.js";
import { TILL, WEBHOOK_URL } from "./trial-files.js";
import type { SimNetwork } from "./vipps-network.js";

/** `inTransit`: a webhook left for the broker (+1) or reached it (-1); the trial settles only at 0. */
export function webhookBridge(
  net: Pick<SimNetwork, "plan" | "prng" | "faultsOn" | "log">,
  clock: SimClock,
  broker: SimBroker,
  inTransit: (delta: number) => void,
): PostFn {
  const { plan, prng, log } = net;
  return (_url, headers, body) => {
    // The bridge: verified by Vipps' HMAC at the till, not here; a down broker is a 503.
    if (net.faultsOn() && prng.chance(plan.webhookLoss)) {
      log(`webhook lost ${describeBody(body)}`);
      return Promise.resolve({ status: 200 });
    }
    const envelope = encodeEnvelope({
      receivedAt: new Date(clock.now()),
      registeredUrl: WEBHOOK_URL,
      headers: {
        "x-ms-date": headers["x-ms-date"] ?? "",
        "x-ms-content-sha256": headers["x-ms-content-sha256"] ?? "",
        authorization: headers.authorization ?? "",
      },
      rawBody: body,
      route: { tillId: TILL },
    });
    if (!broker.up) return Promise.resolve({ status: 503 });
    const copies = net.faultsOn() && prng.chance(plan.webhookDuplicate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = net.faultsOn() && prng.chance(plan.webhookDelay) ? prng.int(100, 20_000) : 0;
      inTransit(1);
      clock.setTimeout(() => {
        inTransit(-1);
        if (!broker.publish(envelope)) log("webhook lost: broker down");
      }, delay);
    }
    return Promise.resolve({ status: 200 });
  };
}

function describeBody(body: Buffer): string {
  try {
    const v = JSON.parse(body.toString("utf8")) as { name?: string; reference?: string };
    return v.name === undefined ? "(check-in)" : `${v.name} ${v.reference ?? ""}`;
  } catch {
    return "";
  }
}
