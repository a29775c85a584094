import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The load balancer in front of the bridge replicas, as the one registered URL Vipps posts to:
 * each request goes to the next replica; one that refuses the connection is skipped (a health
 * check would have taken it out). Bodies and answers pass through unchanged.
 */
export interface RoundRobin {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

export async function startRoundRobin(port: number, targets: () => readonly string[]): Promise<RoundRobin> {
  let next = 0;
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, tries: number): void => {
    const list = targets();
    const target = new URL(req.url ?? "/", list[next++ % list.length] ?? "http://127.0.0.1:1");
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (tries + 1 < list.length) forward(req, body, res, tries + 1);
      else if (!res.headersSent) res.writeHead(502).end();
    });
    upstream.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => forward(req, Buffer.concat(chunks), res, 0));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
