import type { Config } from "../../config/schema.js";
import type { CheckoutSettings } from "../checkout/settings.js";
import type { OpenBasketLimits } from "./checkout-runner.js";

/** How long to wait before asking Vipps again after the client's own retries gave up. */
const RETRY_AFTER_UNAVAILABLE_MS = 15_000;

export function checkoutSettings(config: Config): CheckoutSettings {
  return {
    tillId: config.till.id,
    locationDescription: config.till.locationDescription,
    msn: config.vipps.msn,
    currency: config.vipps.currency,
    webhookGraceMs: config.checkout.webhookGraceMs,
    pollIntervalMs: config.checkout.pollIntervalMs,
    checkinMaxAgeMs: config.checkout.checkinMaxAgeSeconds * 1000,
    cancelRace: config.checkout.cancelRace,
    paymentDescription: config.checkout.paymentDescription,
    retryDelayMs: RETRY_AFTER_UNAVAILABLE_MS,
    loyalty: config.loyalty.mode,
    memberBasketWindowMs: config.loyalty.memberBasketWindowMs,
    scanReminderMs: config.checkout.scanReminderSeconds * 1000,
    scanTimeoutMs: config.checkout.scanTimeoutSeconds * 1000,
    holdWarnMs: config.checkout.holdWarnHours * 3_600_000,
    holdDeadlineAction: config.checkout.holdDeadlineAction,
  };
}

export function openBasketLimits(config: Config): OpenBasketLimits {
  return {
    maxOpen: config.checkout.maxOpenBaskets,
    maxAgeMs: config.checkout.openBasketMaxAgeHours * 3_600_000,
  };
}
