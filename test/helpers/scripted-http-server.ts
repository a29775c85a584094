import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP server on loopback (port 0) that answers from a script and records every request,
 * for testing HTTP clients without mocking fetch. Scripts are per method + path; their replies
 * are used in order and the last one repeats. Unscripted requests get 501 and are recorded too.
 */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as received. */
  readonly url: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly text: string;
}

export type Reply =
  | {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly json?: unknown;
      readonly text?: string;
    }
  /** Destroy the connection without answering (a dropped connection). */
  | { readonly drop: true }
  /** Never answer (until the server closes): a hung upstream. */
  | { readonly hang: true };

type Script = Reply | ((request: RecordedRequest) => Reply | Promise<Reply>);

export interface ScriptedServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests to one method and path (pathname compared exactly, or a RegExp). */
  requestsTo(method: string, path: string | RegExp): RecordedRequest[];
  /** Scripts `method path`; a later script for the same route replaces the earlier one. */
  on(method: string, path: string | RegExp, ...replies: Script[]): ScriptedServer;
  close(): Promise<void>;
}

interface Route {
  readonly method: string;
  readonly path: string | RegExp;
  readonly replies: Script[];
  used: number;
}

const matches = (path: string | RegExp, pathname: string): boolean =>
  typeof path === "string" ? path === pathname : path.test(pathname);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, reply: Extract<Reply, { status: number }>): void {
  const headers: Record<string, string> = { ...reply.headers };
  let body = "";
  if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers["content-type"] ??= "application/json; charset=utf-8";
  } else if (reply.text !== undefined) {
    body = reply.text;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const routes: Route[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined)
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        pathname: url.pathname,
        query: url.searchParams,
        headers,
        body,
        text: body.toString("utf8"),
      };
      requests.push(recorded);
      const route = [...routes]
        .reverse()
        .find((r) => r.method === recorded.method && matches(r.path, recorded.pathname));
      if (route === undefined) {
        send(res, {
          status: 501,
          json: { title: "unscripted", detail: `${recorded.method} ${recorded.pathname}` },
        });
        return;
      }
      const script = route.replies[Math.min(route.used, route.replies.length - 1)];
      route.used++;
      const reply = typeof script === "function" ? await script(recorded) : script;
      if (reply === undefined || "hang" in reply) return;
      if ("drop" in reply) {
        req.socket.destroy();
        return;
      }
      send(res, reply);
    })().catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const api: ScriptedServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (method, path) => requests.filter((r) => r.method === method && matches(path, r.pathname)),
    on(method, path, ...replies) {
      if (replies.length === 0) throw new Error("on(): give at least one reply");
      routes.push({ method, path, replies, used: 0 });
      return api;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
  return api;
}
