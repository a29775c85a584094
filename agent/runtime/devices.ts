import type { Config } from "../../config/schema.js";
import type { Logger } from "../../lib/log.js";
import { openTerminalDisplay } from "../../drivers/display/index.js";
import type { AgentParts } from "./agent.js";

/**
 * The real devices named by the config: the customer display (a TTY or a file), the receipt
 * printer and the status lights. A device set to `none` (or GPIO disabled) is simply absent:
 * none of them is on the money path.
 */
export function devicesFromConfig(config: Config, logger: Logger): Promise<Pick<AgentParts, "screen" | "receipts" | "lights">> {
  const parts: { -readonly [K in keyof AgentParts]?: AgentParts[K] } = {};
  if (config.display.path !== "none") {
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
  return Promise.resolve(parts);
}
