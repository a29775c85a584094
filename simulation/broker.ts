import type { Clock } from "../lib/clock.js";
import type { Prng } from "./prng.js";

/** What the broker hands a connected till: one QoS 1 message; resolving is the PUBACK. */
export type Delivery = (payload: Buffer) => Promise<void>;

/**
 * The broker as the till sees it: a persistent session (clean: false) for the till's webhook
 * subscription. Messages queue while the till is away and are delivered in order, one in flight
 * at a time; a message is removed only on its PUBACK, so an unacked one is delivered again on
 * the next connection (MQTT 3.1.1 §4.4). Also the back office's end of the sale-event topic.
 */
export class SimBroker {
  private readonly queue: { id: number; payload: Buffer }[] = [];
  private nextId = 0;
  private session: { deliver: Delivery; drop: () => void } | undefined;
  private inFlight: number | undefined;
  up = true;
  /** Sale events the back office received, in order (duplicates kept: QoS 1). */
  readonly saleEvents: string[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly prng: Prng,
    private readonly trace: (line: string) => void,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  /** The bridge publishes a webhook envelope; false while the broker is down (the bridge answers 503). */
  publish(payload: Buffer): boolean {
    if (!this.up) return false;
    this.queue.push({ id: this.nextId++, payload });
    this.pump();
    return true;
  }

  connect(deliver: Delivery, drop: () => void): boolean {
    if (!this.up) return false;
    this.session?.drop();
    this.session = { deliver, drop };
    this.inFlight = undefined;
    this.pump();
    return true;
  }

  disconnect(deliver: Delivery): void {
    if (this.session?.deliver !== deliver) return;
    this.session = undefined;
    this.inFlight = undefined;
  }

  setUp(up: boolean): void {
    this.up = up;
    if (!up && this.session !== undefined) {
      const { drop } = this.session;
      this.session = undefined;
      this.inFlight = undefined;
      drop();
    }
    if (up) this.pump();
  }

  private pump(): void {
    const session = this.session;
    const head = this.queue[0];
    if (session === undefined || head === undefined || this.inFlight !== undefined) return;
    this.inFlight = head.id;
    this.clock.setTimeout(
      () => {
        if (this.session !== session) return;
        session.deliver(head.payload).then(
          () => {
            if (this.session !== session) return;
            const index = this.queue.findIndex((m) => m.id === head.id);
            if (index >= 0) this.queue.splice(index, 1);
            this.inFlight = undefined;
            this.pump();
          },
          () => {
            // The link refused (its handler threw): it drops the connection; redelivered later.
            if (this.session !== session) return;
            this.trace("broker: handler failed, connection dropped");
            this.session = undefined;
            this.inFlight = undefined;
            session.drop();
          },
        );
      },
      this.prng.int(1, 50),
    );
  }
}
