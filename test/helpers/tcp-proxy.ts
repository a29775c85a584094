import { createServer, connect, type AddressInfo, type Socket } from "node:net";

/**
 * A loopback TCP proxy in front of a real server, to cut a live connection the way a network
 * does (both sockets destroyed, no protocol goodbye) — e.g. to make a broker publish a client's
 * Last Will, or to watch a client reconnect.
 */
export interface TcpProxy {
  readonly port: number;
  /** Destroys every open connection now; new ones are still accepted. */
  cut(): void;
  /**
   * While true, every connection is cut at once and new ones are closed as they come: an outage
   * the client keeps retrying through. Setting it true cuts what is open.
   */
  refusing: boolean;
  /** Open connections right now. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  const server = createServer((downstream) => {
    if (refusing) {
      downstream.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [downstream, upstream];
    pairs.add(pair);
    const end = (): void => {
      pairs.delete(pair);
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const cut = (): void => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut,
    get refusing() {
      return refusing;
    },
    set refusing(value: boolean) {
      refusing = value;
      if (value) cut();
    },
    get connections() {
      return pairs.size;
    },
    close() {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
