import type { Config } from "../../config/schema.js";
import type { SerialTransportOptions } from "./serial-transport.js";

/** The link timers from the config's `register` section. */
export function registerLinkOptions(register: Config["register"]): {
  ackTimeoutMs: number;
  maxRetransmits: number;
  heartbeatIntervalMs: number;
} {
  return {
    ackTimeoutMs: register.ackTimeoutMs,
    maxRetransmits: register.maxRetransmits,
    heartbeatIntervalMs: register.heartbeatIntervalMs,
  };
}

/** The device settings from the config's `register` section. */
export function serialTransportOptions(register: Config["register"]): SerialTransportOptions {
  return {
    path: register.path,
    baudRate: register.baudRate,
    dataBits: register.dataBits,
    parity: register.parity,
    stopBits: register.stopBits,
    rtscts: register.rtscts,
    reopenMinMs: register.reopenMinMs,
    reopenMaxMs: register.reopenMaxMs,
  };
}
