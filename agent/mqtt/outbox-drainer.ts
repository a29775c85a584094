import type { MqttClient } from "mqtt";
import { backoffDelay, type BackoffPolicy } from "../../lib/backoff.js";
import type { Clock, TimerHandle } from "../../lib/clock.js";
import { AgentError, errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { TOPIC_QOS } from "../../lib/mqtt-contract/index.js";
import { publishAcked } from "./connection.js";
import type { SaleOutbox } from "./sale-outbox.js";

/**
 * Sends the sale outbox, oldest first, one message at a time (so order holds), each removed
 * only after its PUBACK. A lost connection stops the drain until the next connect; a refusal
 * while connected (ACL, quota) is retried with backoff on the clock.
 */
export class OutboxDrainer {
  private draining = false;
  private failures = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly o: {
      outbox: SaleOutbox;
      topic: string;
      connectedClient: () => MqttClient | undefined;
      clock: Clock;
      backoff: BackoffPolicy;
      random: () => number;
      logger: Logger;
      onPublished: () => void;
    },
  ) {}

  /** Starts a drain unless one is running; never rejects. */
  drain(): void {
    void this.run();
  }

  cancel(): void {
    this.o.clock.clearTimeout(this.timer);
  }

  private async run(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    const { outbox } = this.o;
    try {
      for (let row = outbox.head(); row !== undefined; row = outbox.head()) {
        const client = this.o.connectedClient();
        if (client === undefined) return;
        await publishAcked(client, this.o.topic, row.payload, TOPIC_QOS.sales);
        outbox.remove(row.seq);
        this.failures = 0;
        this.o.onPublished();
      }
    } catch (error) {
      this.o.logger.warn(
        { err: error instanceof AgentError ? error.toJSON() : errorMessage(error), pending: outbox.pending },
        "sale event not acknowledged; it stays in the outbox",
      );
      if (this.o.connectedClient() !== undefined) {
        this.cancel();
        this.timer = this.o.clock.setTimeout(
          () => this.drain(),
          backoffDelay(this.o.backoff, this.failures++, this.o.random),
        );
      }
    } finally {
      this.draining = false;
    }
  }
}
