import type { Identification } from "../checkout/io.js";

/** Config `checkout.identification`. */
export type IdentificationSetting = Identification | "auto";

/** Which identification the till uses now, and why (for `pos-agent status` and doctor). */
export interface IdentificationStatus {
  readonly setting: IdentificationSetting;
  readonly current: Identification;
  readonly reason: string;
}

/**
 * The rule behind `checkout.identification: auto` (docs/architecture.md, "When the cloud is
 * down"): the till's own QR only while a check-in can reach the till — its MQTT link is connected
 * (and subscribed: the heartbeats arrive on that subscription) AND at least one bridge replica's
 * retained heartbeat says `online` — and a per-sale QR otherwise. `callback` and `per-sale` fix
 * the choice. The checkout gets the answer with each `pay`, so a journal replay is exact; a
 * change reaches a sale still waiting for a scan (per-sale-qr.ts).
 */
export function identificationOf(
  setting: IdentificationSetting,
  linkUp: boolean,
  bridgesOnline: readonly string[],
): IdentificationStatus {
  if (setting !== "auto")
    return { setting, current: setting, reason: `checkout.identification is ${setting}` };
  if (!linkUp)
    return { setting, current: "per-sale", reason: "the MQTT link is down: check-ins cannot reach the till" };
  if (bridgesOnline.length === 0)
    return {
      setting,
      current: "per-sale",
      reason: "the MQTT link is up but no bridge is online: check-ins cannot reach the till",
    };
  return {
    setting,
    current: "callback",
    reason: `the MQTT link is up and bridge ${bridgesOnline.join(", ")} online: check-ins reach the till`,
  };
}
