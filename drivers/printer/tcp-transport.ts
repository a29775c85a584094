import { Socket } from "node:net";
import type { Clock } from "../../lib/clock.js";
import type { PrinterConnection, PrinterTransport } from "./transport.js";
import { InputBuffer } from "./transport.js";

/** A network printer's raw port (JetDirect / "port 9100"), one TCP connection per job. */
export function tcpTransport(host: string, port: number, clock: Clock): PrinterTransport {
  return {
    description: `tcp ${host}:${port}`,
    connect: (timeoutMs) =>
      new Promise<PrinterConnection>((resolve, reject) => {
        const socket = new Socket();
        const input = new InputBuffer(clock);
        let failure: Error | undefined;
        const timer = clock.setTimeout(() => {
          socket.destroy();
          reject(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`));
        }, timeoutMs);
        socket.once("error", (error) => {
          clock.clearTimeout(timer);
          reject(error);
        });
        socket.connect({ host, port }, () => {
          clock.clearTimeout(timer);
          socket.removeAllListeners("error");
          socket.setNoDelay(true);
          socket.on("error", (error) => (failure = error));
          socket.on("data", (chunk: Buffer) => input.push(chunk));
          socket.on("close", () => input.end());
          resolve({
            write: (bytes) =>
              new Promise<void>((done, fail) => {
                if (failure !== undefined || socket.destroyed) {
                  fail(failure ?? new Error("connection closed"));
                  return;
                }
                socket.write(bytes, (error) => (error ? fail(error) : done()));
              }),
            read: (count, ms) => input.read(count, ms),
            discardInput: () => input.discard(),
            close: () =>
              new Promise<void>((done) => {
                if (socket.destroyed) {
                  done();
                  return;
                }
                const force = clock.setTimeout(() => socket.destroy(), 2_000);
                socket.once("close", () => {
                  clock.clearTimeout(force);
                  done();
                });
                socket.end();
              }),
          });
        });
      }),
  };
}
