import type { Logger } from "../../lib/log.js";
import type { Acceptance, RegisterCommand, RegisterLink } from "../../drivers/register/index.js";
import type { CheckoutRunner } from "./checkout-runner.js";
import { saleMessage } from "./register-port.js";
import { totalsDay, totalsMessage, type TotalsSource } from "./register-totals.js";

/**
 * What the agent does with each command the register link delivers. Everything is decided and
 * journalled synchronously, before the link acks — so an ack always means "done, durably".
 * `status` is answered with a `sale` message right after the ack, `totals` with a `totals` one.
 */
export function registerCommandHandler(
  runner: CheckoutRunner,
  link: () => RegisterLink,
  logger: Logger,
  totals: TotalsSource,
) {
  // After the ack has gone out: the register expects an answer as a separate frame.
  const answerAfterAck = (what: string, answer: () => Parameters<RegisterLink["send"]>[0]): void => {
    setImmediate(() => {
      link()
        .send(answer())
        .catch((error: unknown) => logger.debug({ err: String(error) }, `${what} answer not delivered`));
    });
  };
  return (message: RegisterCommand): Acceptance | Promise<Acceptance> => {
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
          ...(message.minimumAge === undefined ? {} : { minimumAge: message.minimumAge }),
          ...(message.customer === undefined ? {} : { customer: message.customer }),
          ...(message.tenders === undefined ? {} : { tenders: message.tenders }),
          ...(message.hold === true ? { hold: true as const } : {}),
        });
      case "capture":
        return runner.handleRegisterCommand({
          type: "capture",
          saleId: message.saleId,
          total: message.total,
        });
      case "release":
        return runner.handleRegisterCommand({ type: "release", saleId: message.saleId });
      case "cancel":
        return runner.handleRegisterCommand({ type: "cancel", saleId: message.saleId });
      case "refund":
        return runner.handleRegisterCommand({
          type: "refund",
          saleId: message.saleId,
          refundId: message.refundId,
          amount: message.amount,
          ...(message.reference === undefined ? {} : { reference: message.reference }),
        });
      case "status": {
        const update = runner.statusOf(message.saleId);
        if (update === undefined)
          return { ok: false, code: "UNKNOWN_SALE", message: `no sale ${message.saleId}` };
        answerAfterAck("status", () => saleMessage(update));
        return { ok: true };
      }
      case "totals": {
        const day = totalsDay(totals, message);
        if (!day.ok) return day;
        // Read after the ack: a busy day's journal rows must not hold the ack back.
        answerAfterAck("totals", () => totalsMessage(totals, day.day));
        return { ok: true };
      }
    }
  };
}
