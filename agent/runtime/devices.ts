import type { Config } from "../../config/schema.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import type { AgentParts } from "./agent.js";

/**
 * The real devices named by the config: the customer display (a TTY or a file), the receipt
 * printer and the status lights. A device set to `none` (or GPIO disabled) is simply absent:
 * none of them is on the money path. A bad printer setting (e.g. an unknown model) is a config
 * error and stops the start, like any other.
 *
 * Each driver is loaded only when its device is configured: the printer's encoder with its code
 * page tables, the display's QR and font code and onoff are ≈ 60 ms of the daemon's start-up on
 * this machine (npm run bench), and memory, that a till without the device does not need.
 */
export async function devicesFromConfig(
  config: Config,
  logger: Logger,
  clock: Clock,
): Promise<Pick<AgentParts, "screen" | "receipts" | "lights">> {
  const parts: { -readonly [K in keyof AgentParts]?: AgentParts[K] } = {};
  if (config.display.path !== "none") {
    const { openTerminalDisplay } = await import("../../drivers/display/index.js");
    parts.screen = openTerminalDisplay({
      target: { path: config.display.path },
      language: config.display.language,
      brand: config.display.brand,
      currency: config.vipps.currency,
      ...(config.display.rows === undefined ? {} : { rows: config.display.rows }),
      ...(config.display.columns === undefined ? {} : { columns: config.display.columns }),
      logger,
    });
  }
  if (config.printer.uri !== "none") {
    const [{ createPrinter }, { printerReceipts }] = await Promise.all([
      import("../../drivers/printer/index.js"),
      import("./printer-receipts.js"),
    ]);
    const printer = createPrinter(config.printer.uri, {
      model: config.printer.model,
      columns: config.printer.columns,
      statusTimeoutMs: config.printer.statusTimeoutMs,
      clock,
      logger: logger.child({ module: "printer" }),
    });
    if (printer !== undefined)
      parts.receipts = printerReceipts(printer, config, clock, logger.child({ module: "receipts" }));
  }
  if (config.gpio.enabled) {
    const { openStatusLights } = await import("../../drivers/gpio/index.js");
    parts.lights = await openStatusLights({
      pins: config.gpio.pins,
      buttonAction: config.gpio.buttonAction,
      debounceMs: config.gpio.debounceMs,
      clock,
      logger,
    });
  }
  return parts;
}
