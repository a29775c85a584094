import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNodeHttpExchange, MAX_ANSWER_BYTES, type NodeHttpExchange } from "./node-http-exchange.js";

/** The exchange against a real loopback server whose answers each test writes by hand. */
let server: Server;
let url: string;
let connections: Socket[];
let handler: (req: IncomingMessage, res: ServerResponse) => void;
let client: NodeHttpExchange;

beforeEach(async () => {
  connections = [];
  handler = (_req, res) => res.end("ok");
  server = createServer((req, res) => handler(req, res));
  server.on("connection", (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createNodeHttpExchange();
});

afterEach(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = (path: string, signal = new AbortController().signal) =>
  client.exchange({ url: `${url}${path}`, method: "GET", headers: {}, signal });

describe("the node:http exchange", () => {
  it("sends method, headers and body, and answers status, headers and text", async () => {
    let seen: { method?: string; header?: string; length?: string; body: string } = { body: "" };
    handler = (req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString("utf8")));
      req.on("end", () => {
        seen = {
          method: req.method,
          header: req.headers["idempotency-key"] as string,
          length: req.headers["content-length"],
          body,
        };
        res.writeHead(201, { "Content-Type": "application/json", "X-Twice": ["a", "b"] });
        res.end('{"øre":1}');
      });
    };
    const answer = await client.exchange({
      url: `${url}/epayment/v1/payments`,
      method: "POST",
      headers: { "Idempotency-Key": "kasse1-abc-1-create" },
      body: '{"beløp":100}',
      signal: new AbortController().signal,
    });
    expect(seen).toEqual({
      method: "POST",
      header: "kasse1-abc-1-create",
      length: String(Buffer.byteLength('{"beløp":100}')),
      body: '{"beløp":100}',
    });
    expect(answer.status).toBe(201);
    expect(answer.text).toBe('{"øre":1}');
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("CONTENT-TYPE")).toBe("application/json");
    expect(answer.headers.get("x-twice")).toBe("a, b");
    expect(answer.headers.get("retry-after")).toBeNull();
  });

  it("keeps the connection for the next request (one TCP connection for a sale's calls)", async () => {
    for (let i = 0; i < 5; i++) expect((await get(`/n/${i}`)).text).toBe("ok");
    expect(connections).toHaveLength(1);
  });

  it("does not follow a redirect: the 3xx is the answer", async () => {
    handler = (_req, res) => {
      res.writeHead(302, { location: "https://elsewhere.invalid/steal" });
      res.end();
    };
    const answer = await get("/x");
    expect(answer.status).toBe(302);
    expect(connections).toHaveLength(1);
  });

  it("refuses an answer larger than MAX_ANSWER_BYTES instead of holding it in memory", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      for (let sent = 0; sent <= MAX_ANSWER_BYTES; sent += chunk.length) res.write(chunk);
      res.end();
    };
    await expect(get("/big")).rejects.toMatchObject({ code: "EANSWERTOOLARGE" });
    // The connection is not reused after that: the next request gets a fresh one.
    handler = (_req, res) => res.end("small");
    expect((await get("/small")).text).toBe("small");
  });

  it("rejects when the connection drops mid-answer", async () => {
    handler = (req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("partial");
      setImmediate(() => req.socket.destroy());
    };
    await expect(get("/drop")).rejects.toMatchObject({ code: "ECONNRESET" });
  });

  it("rejects with the signal's reason at once when aborted, and closes the connection", async () => {
    handler = () => undefined; // never answers
    const controller = new AbortController();
    const pending = get("/hang", controller.signal);
    await expect.poll(() => connections.length).toBe(1);
    const closed = new Promise((resolve) => connections[0]?.once("close", resolve));
    const reason = new Error("agent stopping");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await closed;
  });

  it("rejects a refused connection with its socket code (the retry policy reads it)", async () => {
    const port = (server.address() as AddressInfo).port;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await expect(
      client.exchange({
        url: `http://127.0.0.1:${port}/x`,
        method: "GET",
        headers: {},
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: "ECONNREFUSED" });
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
});
