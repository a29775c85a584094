import { formatDuration, formatLocalTime } from "../../lib/terminal-format.js";
import type { AlertKind } from "../store/alerts.js";
import type { UnroutedRecord } from "../store/unrouted.js";
import type { TillView } from "../view/fleet-view.js";
import type { WebhookCheckState } from "./webhook-state.js";

/**
 * The alert rules, as a pure function of what the fleet knows now: which conditions hold. The
 * alerter fires an alert once when its condition starts to hold and resolves it once when it
 * stops (alerter.ts); here only the conditions and their words.
 */
export interface AlertThresholds {
  /** A till offline longer than this. */
  readonly offlineAfterMs: number;
  /** An online till whose health lists degraded reasons longer than this. */
  readonly degradedAfterMs: number;
  /** An unrouted-webhooks alert clears after this long without another one. */
  readonly unroutedQuietMs: number;
}

export interface Condition {
  /** `kind:subject`: at most one open alert per key. */
  readonly key: string;
  readonly kind: AlertKind;
  readonly tillId?: string;
  /** When the condition began. */
  readonly since: number;
  readonly summary: string;
}

export interface RuleInput {
  readonly msn: string;
  readonly tills: readonly TillView[];
  /** Unrouted webhooks within the quiet window before `now`. */
  readonly unrouted: { readonly count: number; readonly latest?: UnroutedRecord };
  readonly webhook?: WebhookCheckState;
  readonly now: number;
  readonly thresholds: AlertThresholds;
}

const ago = (now: number, since: number): string => formatDuration((now - since) / 1000);

export function activeConditions(input: RuleInput): Condition[] {
  const { now, thresholds: t } = input;
  const out: Condition[] = [];
  for (const till of input.tills) {
    if (till.status === "offline" && now - till.statusSince >= t.offlineAfterMs) {
      out.push({
        key: `till_offline:${till.tillId}`,
        kind: "till_offline",
        tillId: till.tillId,
        since: till.statusSince,
        summary: `Till ${till.tillId} is offline (${till.statusSinceExact ? "" : "at least "}${ago(now, till.statusSince)}, since ${formatLocalTime(till.statusSince)}).`,
      });
    }
    const since = till.degradedSince;
    if (till.degraded && since !== undefined && now - since >= t.degradedAfterMs) {
      out.push({
        key: `till_degraded:${till.tillId}`,
        kind: "till_degraded",
        tillId: till.tillId,
        since,
        summary: `Till ${till.tillId} is degraded (${ago(now, since)}): ${till.degradedReasons.join("; ")}.`,
      });
    }
  }
  const latest = input.unrouted.latest;
  if (input.unrouted.count > 0 && latest !== undefined) {
    const what = [latest.event, latest.reason].filter((s) => s !== undefined).join(": ");
    out.push({
      key: `unrouted_webhooks:${input.msn}`,
      kind: "unrouted_webhooks",
      since: latest.receivedAt,
      summary: `Webhooks of MSN ${input.msn} reached no till (${input.unrouted.count} in the last ${formatDuration(t.unroutedQuietMs / 1000)}; latest ${formatLocalTime(latest.receivedAt)}${what === "" ? "" : `, ${what}`}).`,
    });
  }
  if (input.webhook?.registered === false) {
    const since = input.webhook.missingSince ?? input.webhook.checkedAt;
    out.push({
      key: `checkin_webhook_missing:${input.msn}`,
      kind: "checkin_webhook_missing",
      since,
      summary: `Vipps has no user.checked-in.v1 webhook registration for MSN ${input.msn} at the bridge's URL (since ${formatLocalTime(since)}): customers' scans reach no till. Register it with \`pos-bridge register-webhook\`.`,
    });
  }
  return out;
}

/** The words that close an alert. */
export function resolution(kind: AlertKind, tillId: string | undefined, since: number, now: number): string {
  switch (kind) {
    case "till_offline":
      return `Till ${tillId ?? "?"} is back online (it was offline for ${ago(now, since)}).`;
    case "till_degraded":
      return `Till ${tillId ?? "?"} is no longer degraded (or no longer online: see its offline alert).`;
    case "unrouted_webhooks":
      return "No more unrouted webhooks.";
    case "checkin_webhook_missing":
      return "The check-in webhook registration is back at Vipps.";
  }
}
