import { createServer, type AddressInfo } from "node:net";
import { Aedes, type AedesOptions } from "aedes";

/**
 * An MQTT broker inside the demo process (aedes, in-memory persistence), so `npm start` needs no
 * mosquitto. aedes speaks MQTT 3.1.1 only: the agent link and the bridge must use
 * protocolVersion 4 against it. Persistent sessions and QoS 1 queues live in memory — they
 * survive a client reconnect, not a restart of the demo. Production uses a real broker
 * (docs/mqtt-contract.md §Running at scale).
 */
export interface EmbeddedBrokerOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** aedes hooks (authenticate, authorizePublish …), e.g. for tests of broker misbehaviour. */
  readonly aedes?: AedesOptions;
}

export interface EmbeddedBroker {
  /** `mqtt://<host>:<port>` */
  readonly url: string;
  readonly port: number;
  /** Disconnects every client and stops listening. Idempotent. */
  close(): Promise<void>;
}

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = options.host ?? "127.0.0.1";
  const broker = await Aedes.createBroker(options.aedes ?? {});
  const server = createServer((socket) => broker.handle(socket));
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `mqtt://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        // broker.close disconnects every client, which lets the server finish closing.
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        await serverClosed;
      })();
      return closing;
    },
  };
}
