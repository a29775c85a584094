import type { LoadedConfig } from "../../config/load.js";
import { vippsBaseUrl } from "../../config/load.js";
import type { VippsClientOptions } from "./client.js";

/**
 * Client options from the loaded config (`vipps` section) and its secrets. `extra` supplies what
 * the config does not hold: the clock, logger, exchange, random and shutdown signal.
 */
export function vippsClientOptions(
  loaded: LoadedConfig,
  extra: Pick<VippsClientOptions, "clock" | "exchange" | "random" | "logger" | "signal"> = {},
): VippsClientOptions {
  const { vipps } = loaded.config;
  return {
    baseUrl: vippsBaseUrl(loaded.config),
    clientId: vipps.clientId,
    clientSecret: loaded.secrets.clientSecret,
    subscriptionKey: loaded.secrets.subscriptionKey,
    msn: vipps.msn,
    system: {
      name: vipps.systemName,
      version: vipps.systemVersion,
      ...(vipps.pluginName === undefined ? {} : { pluginName: vipps.pluginName }),
      ...(vipps.pluginVersion === undefined ? {} : { pluginVersion: vipps.pluginVersion }),
    },
    timeoutMs: vipps.requestTimeoutMs,
    maxRetries: vipps.maxRetries,
    ...extra,
  };
}
