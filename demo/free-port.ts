import { createServer, type AddressInfo } from "node:net";

/** A TCP port on loopback that was free a moment ago (for servers whose URL must be known first). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
