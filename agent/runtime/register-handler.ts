import type { Logger } from "../../lib/log.js";
import type { Acceptance, RegisterCommand, RegisterLink } from "../../drivers/register/index.js";
import type { CheckoutRunner } from "./checkout-runner.js";
import { saleMessage } from "./register-port.js";

/**
 * What the agent does with each command the register link delivers. Everything is decided and
 * journalled synchronously, before the link acks — so an ack always means "done, durably".
 * `status` is answered with a `sale` message right after the ack.
 */
export function registerCommandHandler(runner: CheckoutRunner, link: () => RegisterLink, logger: Logger) {
  return (message: RegisterCommand): Acceptance => {
    switch (message.type) {
      case "basket": {
        const { type: _type, ...basket } = message;
        return runner.handleRegisterCommand({ type: "basket", basket });
      }
      case "pay":
        return runner.handleRegisterCommand({
          type: "pay",
          saleId: message.saleId,
          total: message.total,
          ...(message.customer === undefined ? {} : { customer: message.customer }),
        });
      case "cancel":
        return runner.handleRegisterCommand({ type: "cancel", saleId: message.saleId });
      case "refund":
        return runner.handleRegisterCommand({
          type: "refund",
          saleId: message.saleId,
          refundId: message.refundId,
          amount: message.amount,
        });
      case "status": {
        const update = runner.statusOf(message.saleId);
        if (update === undefined)
          return { ok: false, code: "UNKNOWN_SALE", message: `no sale ${message.saleId}` };
        // After the ack has gone out: the register expects the answer as a separate frame.
        setImmediate(() => {
          link()
            .send(saleMessage(update))
            .catch((error: unknown) =>
              logger.debug({ saleId: message.saleId, err: String(error) }, "status answer not delivered"),
            );
        });
        return { ok: true };
      }
    }
  };
}
