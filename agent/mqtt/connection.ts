import type { IClientOptions, IClientPublishOptions, IConnackPacket, IPublishPacket, MqttClient } from "mqtt";
import { backoffDelay, type BackoffPolicy } from "../../lib/backoff.js";
import type { Clock, TimerHandle } from "../../lib/clock.js";
import { AgentError, errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { IncomingPacketLimit } from "./guarded-stream.js";
import { connectMqtt } from "./mqtt-connect.js";
import type { MqttErrorCode, MqttLinkState } from "./types.js";

/**
 * One MQTT connection at a time, re-established after every loss with capped exponential
 * backoff and full jitter (lib/backoff.ts) on the injected clock — mqtt.js's own reconnect is a
 * fixed period, which makes a fleet of tills stampede a restarted broker (MQTT.js#561).
 *
 * Every attempt uses a fresh mqtt.js client: nothing of an old connection (pending callbacks,
 * in-memory stores) leaks into the next; the broker-side session is what carries over.
 *
 * Several URLs are the nodes of one broker cluster (docs/mqtt-contract.md §Running at scale):
 * the first attempt goes to the first, and every failed attempt or lost connection moves on to
 * the next one in the list (round and round), so a till whose node died is back on another
 * node after one backoff step instead of retrying a dead host.
 *
 * Inbound PUBLISHes go through mqtt.js's `handleMessage` hook, whose callback is what releases
 * the PUBACK: `onMessage` resolving acknowledges, throwing does not. After a failure the rest of
 * that connection's messages are left unacknowledged too (to keep their order) and the
 * connection is dropped, so the broker redelivers them after the reconnect.
 */
interface ConnectionHandlers {
  /** After each CONNACK: subscribe, announce, drain. A rejection drops the connection. */
  onConnected(client: MqttClient, connack: IConnackPacket): Promise<void>;
  /** Resolve to acknowledge; throw to have the broker redeliver after a reconnect. */
  onMessage(packet: IPublishPacket): Promise<void>;
  onState(state: MqttLinkState): void;
  onClosed(client: MqttClient): void;
}

export interface ConnectionOptions {
  /** The broker, or the nodes of one broker cluster in the order they are tried. */
  readonly urls: readonly string[];
  /** Called before each attempt (reads TLS files fresh); may throw. */
  readonly clientOptions: () => IClientOptions;
  /** The largest packet to take from the broker; larger ones are skipped unread. */
  readonly incoming: IncomingPacketLimit;
  readonly backoff: BackoffPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly handlers: ConnectionHandlers;
}

/** A connection that stayed up this long resets the backoff to its first step. */
const STABLE_CONNECTION_MS = 10_000;
/** How long `stop()` waits for its farewell publish and DISCONNECT. */
const STOP_TIMEOUT_MS = 2_000;
/**
 * How long the set-up after a CONNACK (subscribe, announce) may take before the connection is
 * dropped and made again: a broker that accepted the connection but never answers the
 * SUBSCRIBE (seen with nats-server 2.9 when another login took the session over during the
 * set-up) would otherwise leave the till connected and deaf. NATS bounds each of its own
 * JetStream steps to 4 s, so a healthy broker is well inside this.
 */
export const SETUP_TIMEOUT_MS = 15_000;

export class ReconnectingConnection {
  private client: MqttClient | undefined;
  /** Index into `urls` of the node the current (or next) attempt goes to. */
  private node = 0;
  private timer: TimerHandle | undefined;
  private attempts = 0;
  private connectedAt: number | undefined;
  private stopping = true;
  private current: MqttLinkState = "stopped";

  constructor(private readonly o: ConnectionOptions) {}

  get state(): MqttLinkState {
    return this.current;
  }

  /** The connected client, or undefined. */
  get connectedClient(): MqttClient | undefined {
    return this.current === "connected" ? this.client : undefined;
  }

  /** The URL of the broker node connected to, or undefined. */
  get broker(): string | undefined {
    return this.current === "connected" ? this.url : undefined;
  }

  private get url(): string {
    const { urls } = this.o;
    return urls[this.node % urls.length] ?? "";
  }

  start(): void {
    if (!this.stopping) return;
    this.stopping = false;
    this.attempts = 0;
    this.attempt();
  }

  /** `farewell` runs while still connected (e.g. publish `offline`); then a clean DISCONNECT. */
  async stop(farewell: (client: MqttClient) => Promise<void>): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.o.clock.clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      if (client.connected) {
        try {
          await withTimeout(farewell(client), STOP_TIMEOUT_MS, this.o.clock);
        } catch (error) {
          this.o.logger.warn({ err: errorMessage(error) }, "farewell before disconnect failed");
        }
      }
      // A graceful DISCONNECT when nothing is outstanding (no Last Will then); else by force.
      const graceful = client.connected && Object.keys(client.outgoing).length === 0;
      await withTimeout(client.endAsync(!graceful), STOP_TIMEOUT_MS, this.o.clock).catch(() =>
        client.end(true),
      );
    }
    this.setState("stopped");
  }

  /** Drops the current connection (if it is `client`) and reconnects after a backoff delay. */
  drop(client: MqttClient, reason: string): void {
    if (this.client !== client) return;
    this.o.logger.warn({ reason }, "dropping the MQTT connection");
    client.end(true);
  }

  private setState(state: MqttLinkState): void {
    if (state === this.current) return;
    this.current = state;
    this.o.handlers.onState(state);
  }

  private attempt(): void {
    if (this.stopping) return;
    this.setState("connecting");
    let options: IClientOptions;
    try {
      options = this.o.clientOptions();
    } catch (error) {
      this.o.logger.error(
        { err: error instanceof AgentError ? error.toJSON() : errorMessage(error) },
        "cannot build MQTT connection options",
      );
      this.scheduleNext();
      return;
    }
    const url = this.url;
    const client = connectMqtt(url, options, this.o.incoming);
    this.client = client;
    let failed = false;

    client.handleMessage = (packet, done) => {
      if (failed || this.client !== client) {
        done(new Error("not acknowledged: an earlier message of this connection failed"));
        return;
      }
      this.o.handlers.onMessage(packet).then(
        () => done(),
        (error: unknown) => {
          failed = true;
          done(error instanceof Error ? error : new Error(errorMessage(error)));
          this.drop(client, "a message handler failed; the broker will redeliver");
        },
      );
    };
    client.on("connect", (connack) => {
      if (this.client !== client) return;
      this.connectedAt = this.o.clock.monotonic();
      this.setState("connected");
      this.o.logger.info(
        { broker: url, sessionPresent: connack.sessionPresent },
        "connected to the MQTT broker",
      );
      withTimeout(this.o.handlers.onConnected(client, connack), SETUP_TIMEOUT_MS, this.o.clock).catch(
        (error: unknown) => {
          this.o.logger.error(
            { err: error instanceof AgentError ? error.toJSON() : errorMessage(error) },
            "MQTT connection set-up failed",
          );
          this.drop(client, "set-up failed");
        },
      );
    });
    client.on("error", (error) => {
      this.o.logger.warn({ broker: url, err: error.message }, "MQTT connection error");
      // A refused CONNACK or a failed TLS handshake may leave the socket open: close it so the
      // backoff takes over.
      if (!client.connected) client.end(true);
    });
    client.on("close", () => this.closed(client));
  }

  private closed(client: MqttClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end(true);
    this.o.handlers.onClosed(client);
    if (this.stopping) return;
    this.node = (this.node + 1) % this.o.urls.length;
    if (this.connectedAt !== undefined && this.o.clock.monotonic() - this.connectedAt >= STABLE_CONNECTION_MS)
      this.attempts = 0;
    this.connectedAt = undefined;
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const delay = backoffDelay(this.o.backoff, this.attempts, this.o.random);
    this.attempts += 1;
    this.setState("disconnected");
    this.o.logger.info({ delayMs: delay, attempt: this.attempts }, "MQTT reconnect scheduled");
    this.timer = this.o.clock.setTimeout(() => this.attempt(), delay);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, clock: Clock): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clock.clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(errorMessage(error)));
      },
    );
  });
}

/**
 * Publishes and resolves on the broker's acknowledgement (QoS 1: PUBACK). Rejects with
 * `MQTT_REFUSED` on a failure reason code and with `MQTT_CONNECTION_LOST` if the connection
 * closes first — the caller keeps the message and sends it again on the next connection.
 */
export function publishAcked(
  client: MqttClient,
  topic: string,
  payload: Buffer | string,
  options: IClientPublishOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onClose = (): void =>
      reject(
        new AgentError<MqttErrorCode>(
          "MQTT_CONNECTION_LOST",
          "connection closed before the broker acknowledged",
        ),
      );
    client.once("close", onClose);
    client.publish(topic, payload, options, (error) => {
      client.off("close", onClose);
      if (error === undefined || error === null) resolve();
      else
        reject(
          new AgentError<MqttErrorCode>("MQTT_REFUSED", `broker refused the publish: ${error.message}`, {
            cause: error,
            details: { topic },
          }),
        );
    });
  });
}
