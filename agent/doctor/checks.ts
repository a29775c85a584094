import type { Check } from "./check.js";
import type { DoctorContext } from "./context.js";
import { agentCheck } from "./agent-check.js";
import { clockCheck } from "./clock-check.js";
import { codeCacheCheck } from "./code-cache-check.js";
import { configCheck, secretsCheck } from "./config-checks.js";
import { displayCheck, gpioCheck } from "./display-gpio-checks.js";
import { mqttCheck } from "./mqtt-check.js";
import { printerCheck } from "./printer-check.js";
import { registerCheck } from "./register-check.js";
import { diskCheck, journalCheck } from "./storage-checks.js";
import { vippsQrCheck, vippsTokenCheck } from "./vipps-checks.js";

/** Every check, in the order they are shown (docs/operations.md, "pos-agent doctor"). */
export const DOCTOR_CHECKS: readonly Check<DoctorContext>[] = [
  configCheck,
  secretsCheck,
  clockCheck,
  agentCheck,
  registerCheck,
  printerCheck,
  displayCheck,
  gpioCheck,
  mqttCheck,
  vippsTokenCheck,
  vippsQrCheck,
  diskCheck,
  journalCheck,
  codeCacheCheck,
];
