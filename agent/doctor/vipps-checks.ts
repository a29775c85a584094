import { errorMessage } from "../../lib/errors.js";
import { silentLogger } from "../../lib/log.js";
import { isVippsError, VippsClient, vippsClientOptions } from "../vipps/index.js";
import { vippsBaseUrl } from "../../config/load.js";
import { abortable } from "./abortable.js";
import { fail, ok, warn, type Check } from "./check.js";
import { loadedOf, type DoctorContext } from "./context.js";

/** Each request of the doctor's client waits at most this long: a doctor answers promptly. */
const REQUEST_CAP_MS = 8_000;

function requestTimeoutMs(context: DoctorContext): number {
  return Math.min(context.config?.vipps.requestTimeoutMs ?? 10_000, REQUEST_CAP_MS);
}

/** A check's budget: the client's attempt and its one retry, plus slack. */
const checkTimeoutMs = (context: DoctorContext): number => requestTimeoutMs(context) * 2 + 2_000;

function hintFor(error: unknown): string {
  if (isVippsError(error, "VIPPS_UNAUTHORIZED")) {
    return "check vipps.clientId, vipps.msn and vipps.environment (test keys do not work in production), and the secrets vipps-client-secret and vipps-subscription-key";
  }
  if (isVippsError(error, "VIPPS_FORBIDDEN"))
    return "the sales unit lacks this product: enable it for the MSN in the business portal";
  if (/certificate|CERT_/i.test(errorMessage(error)))
    return "TLS failed: is the clock right? (see the clock check)";
  return "HTTPS to Vipps must be reachable: check the network, DNS and the firewall; try again";
}

/** An access token from Vipps with the configured credentials (one attempt, short timeout). */
export const vippsTokenCheck: Check<DoctorContext> = {
  id: "vipps-token",
  title: "vipps token",
  needs: ["config", "secrets"],
  timeoutMs: checkTimeoutMs,
  async run(context, signal) {
    const loaded = loadedOf(context);
    const client = new VippsClient({
      // Shared with the QR check, so it lives until the doctor is done, not this check.
      ...vippsClientOptions(loaded, {
        logger: silentLogger(),
        signal: context.done,
        ...(context.vippsExchange === undefined ? {} : { exchange: context.vippsExchange }),
      }),
      timeoutMs: requestTimeoutMs(context),
      maxRetries: 1,
    });
    try {
      await abortable(client.verifyCredentials(), signal);
    } catch (error) {
      return fail(`${isVippsError(error) ? `${error.code}: ` : ""}${errorMessage(error)}`, hintFor(error));
    }
    context.vipps = client;
    return ok(`access token for MSN ${loaded.config.vipps.msn} from ${vippsBaseUrl(loaded.config)}`);
  },
};

/** The till's merchant callback QR exists at Vipps, and the journal caches the same qrContent. */
export const vippsQrCheck: Check<DoctorContext> = {
  id: "vipps-qr",
  title: "till QR",
  needs: ["vipps-token", "journal"],
  timeoutMs: checkTimeoutMs,
  async run(context, signal) {
    const { config } = loadedOf(context);
    const client = context.vipps;
    if (client === undefined) throw new Error("doctor: the token check has not run");
    let qr;
    try {
      qr = await abortable(client.qr.getMerchantCallback(config.till.id), signal);
    } catch (error) {
      if (isVippsError(error, "VIPPS_NOT_FOUND"))
        return fail(`till ${config.till.id} has no QR at Vipps`, "create it: sudo pos-agent setup");
      return fail(`${isVippsError(error) ? `${error.code}: ` : ""}${errorMessage(error)}`, hintFor(error));
    }
    if (context.cachedQr === undefined)
      return fail(
        `the QR exists at Vipps but is not cached in the journal`,
        "sudo pos-agent setup (the display shows out of service without it)",
      );
    if (context.cachedQr !== qr.qrContent)
      return fail("the journal caches another QR than Vipps has for this till", "sudo pos-agent setup");
    if (qr.locationDescription !== config.till.locationDescription) {
      return warn(
        `the QR shows "${qr.locationDescription}" in the app, the config says "${config.till.locationDescription}"`,
        "sudo pos-agent setup (updates the text, the QR stays)",
      );
    }
    return ok(`exists at Vipps ("${qr.locationDescription}") and is cached: ${qr.qrContent}`);
  },
};
