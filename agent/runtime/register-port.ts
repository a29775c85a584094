import type { Logger } from "../../lib/log.js";
import { errorMessage } from "../../lib/errors.js";
import type { DurableRegisterMessage, SaleUpdate } from "../checkout/io.js";
import type { RegisterLink, SaleMessage } from "../../drivers/register/index.js";
import type { RegisterPort } from "./ports.js";
import type { AgentTrace } from "./trace.js";

/**
 * The runner's register over the real link (drivers/register). Final states wait for the ack
 * (stop-and-wait on the cable); other updates and receipts are fire-and-forget.
 */
export class LinkRegisterPort implements RegisterPort {
  /** `link` is a getter: the link is created after the runner it delivers to. */
  constructor(
    private readonly link: () => RegisterLink,
    private readonly logger: Logger,
    private readonly observe: (event: AgentTrace) => void = () => undefined,
  ) {}

  get isUp(): boolean {
    return this.link().state === "up";
  }

  sendUpdate(update: SaleUpdate): void {
    if (!this.isUp) return;
    this.link()
      .send(saleMessage(update))
      .catch((error: unknown) => {
        this.logger.debug({ saleId: update.saleId, err: errorMessage(error) }, "sale update not delivered");
      });
  }

  async deliver(message: DurableRegisterMessage): Promise<"acked" | "refused"> {
    if (message.type === "sale")
      this.observe({
        kind: "register_report",
        saleId: message.saleId,
        state: message.state,
        at: performance.now(),
      });
    const result = await this.link().send(message);
    return "acked" in result ? "acked" : "refused";
  }
}

export function saleMessage(update: SaleUpdate): SaleMessage {
  return { type: "sale", ...update };
}
