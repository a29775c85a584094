import { AgentError } from "../../lib/errors.js";

/**
 * Error codes of the status lights. GPIO is optional: the driver catches these itself, says so
 * once in the log and runs without lights; they reach callers only from `resolveGpioChip` /
 * `resolveBcmPins` (e.g. `pos-agent doctor`).
 */
export type GpioErrorCode = "GPIO_CHIP_NOT_FOUND" | "GPIO_BAD_PIN" | "GPIO_UNAVAILABLE";

export type GpioError = AgentError<GpioErrorCode>;

export function gpioError(
  code: GpioErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): GpioError {
  return new AgentError(code, message, options);
}
