import { chmodSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import type { ControlApi } from "./api.js";
import { controlError } from "./errors.js";
import {
  encodeError,
  encodeResult,
  MAX_REQUEST_BYTES,
  parseRequest,
  type ControlRequest,
} from "./protocol.js";

export interface ControlServerOptions {
  /** Config `control.socketPath`; /run/pos-agent/control.sock under systemd. */
  readonly socketPath: string;
  readonly api: ControlApi;
  readonly logger?: Logger;
  /** A connection must deliver its whole request line within this long, ms. Default 5000. */
  readonly requestTimeoutMs?: number;
  /**
   * Mode of the socket file. Default 0660: the service's group (the technicians) may connect,
   * nobody else. Set explicitly because the unit's UMask=0077 would leave it 0600.
   */
  readonly mode?: number;
  /** Connections served at once; more wait in the kernel's backlog. Default 16. */
  readonly maxConnections?: number;
}

export interface ControlServer {
  readonly socketPath: string;
  /** Stops listening, drops open connections, removes the socket file (if still ours). */
  close(): Promise<void>;
}

/** sockaddr_un.sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Serves the control protocol (protocol.ts) on a unix socket. One request per connection; the
 * answer is written when the API call settles, then the connection is closed. Nothing a client
 * sends can throw out of here: bad JSON, unknown methods, oversized or slow requests and
 * vanished clients each get an error code (or are dropped) and are logged at most once.
 *
 * Throws CONTROL_SOCKET_IN_USE when another agent answers on the path (two agents must never
 * share a till), CONTROL_BAD_SOCKET_PATH when the path is not usable. A stale socket file left
 * by a crash is replaced.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { socketPath, api } = options;
  const log = (options.logger ?? silentLogger()).child({ module: "control" });
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  await prepareSocketPath(socketPath);

  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    serveConnection(socket, api, log, requestTimeoutMs);
  });
  server.maxConnections = options.maxConnections ?? 16;
  server.on("error", (error) => log.error({ err: errorMessage(error) }, "control socket error"));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(
        controlError("CONTROL_BAD_SOCKET_PATH", `cannot listen on ${socketPath}: ${errorMessage(error)}`, {
          cause: error,
        }),
      );
    server.once("error", onError);
    server.listen(socketPath, () => {
      server.off("error", onError);
      resolve();
    });
  });
  let inode: number;
  try {
    chmodSync(socketPath, options.mode ?? 0o660);
    inode = lstatSync(socketPath).ino;
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw controlError(
      "CONTROL_BAD_SOCKET_PATH",
      `cannot set the mode of ${socketPath}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  log.info({ socketPath }, "control socket listening");

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(() => {
        // Only our own file: a newer agent may already have replaced it.
        try {
          if (lstatSync(socketPath).ino === inode) unlinkSync(socketPath);
        } catch {
          // Already gone.
        }
      });
      return closing;
    },
  };
}

/** Refuses a path in use; removes a stale socket file; creates the directory in development. */
async function prepareSocketPath(socketPath: string): Promise<void> {
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw controlError(
      "CONTROL_BAD_SOCKET_PATH",
      `${socketPath} is longer than ${MAX_SOCKET_PATH_BYTES} bytes, the limit of a unix socket path`,
    );
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch {
    // Under systemd RuntimeDirectory= made it (0750); elsewhere make it, group-accessible too.
    mkdirSync(dirname(socketPath), { recursive: true, mode: 0o750 });
    return;
  }
  if (!isSocket)
    throw controlError(
      "CONTROL_BAD_SOCKET_PATH",
      `${socketPath} exists and is not a socket; not replacing it`,
    );
  const answer = await probe(socketPath);
  if (answer !== "refused") {
    throw controlError(
      "CONTROL_SOCKET_IN_USE",
      `another process answers on ${socketPath} (${answer}): is a second agent running?`,
    );
  }
  unlinkSync(socketPath);
}

/** `refused`: a stale file nobody listens on. Anything else means the socket is (or may be) alive. */
function probe(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    socket.once("connect", () => {
      socket.destroy();
      resolve("listening");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      resolve(error.code === "ECONNREFUSED" || error.code === "ENOENT" ? "refused" : (error.code ?? "error"));
    });
  });
}

function serveConnection(socket: Socket, api: ControlApi, log: Logger, requestTimeoutMs: number): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  const answer = (line: string): void => {
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    socket.off("data", onData);
    if (socket.destroyed) return;
    socket.end(line);
    // A client that keeps its end open after the answer is dropped once it goes quiet.
    socket.setTimeout(requestTimeoutMs, () => socket.destroy());
  };
  const timer = setTimeout(
    () =>
      answer(encodeError("CONTROL_BAD_REQUEST", `no complete request line within ${requestTimeoutMs} ms`)),
    requestTimeoutMs,
  );
  socket.on("error", (error) => log.debug({ err: errorMessage(error) }, "control connection error"));
  socket.once("close", () => clearTimeout(timer));

  const onData = (chunk: Buffer): void => {
    const newline = chunk.indexOf(0x0a);
    const part = newline === -1 ? chunk : chunk.subarray(0, newline);
    size += part.length;
    if (size > MAX_REQUEST_BYTES) {
      answer(encodeError("CONTROL_REQUEST_TOO_LARGE", `a request is at most ${MAX_REQUEST_BYTES} bytes`));
      return;
    }
    chunks.push(part);
    if (newline === -1) return;
    clearTimeout(timer);
    socket.off("data", onData);
    const line = Buffer.concat(chunks).toString("utf8");
    void handleLine(line, api, log).then(answer);
  };
  socket.on("data", onData);
}

/** Always resolves with a response line. */
async function handleLine(line: string, api: ControlApi, log: Logger): Promise<string> {
  let request: ControlRequest;
  try {
    request = parseRequest(line);
  } catch (error) {
    const code = isAgentError(error) ? error.code : "CONTROL_BAD_REQUEST";
    log.info({ code }, "control request refused");
    return encodeError(code, errorMessage(error));
  }
  try {
    const result = await dispatch(api, request);
    return encodeResult(result);
  } catch (error) {
    if (isAgentError(error)) {
      log.info({ method: request.method, code: error.code }, "control request failed");
      return encodeError(error.code, error.message);
    }
    log.error({ method: request.method, err: errorMessage(error) }, "control request failed unexpectedly");
    return encodeError(
      "CONTROL_INTERNAL",
      "the agent failed unexpectedly; its log has the details (journalctl -u pos-agent)",
    );
  }
}

async function dispatch(api: ControlApi, request: ControlRequest): Promise<unknown> {
  switch (request.method) {
    case "status":
      // Serialised here so a status that cannot be encoded fails this request, not the server.
      return JSON.parse(JSON.stringify(api.status())) as unknown;
    case "reprint":
      return api.reprint(request.sale);
    case "refund":
      return api.refund(request.reference, request.amount);
    case "refreshQr":
      await api.refreshQr();
      return null;
    case "print": {
      if (api.print === undefined)
        throw controlError("CONTROL_UNSUPPORTED", "this agent does not print documents for the CLI");
      // Loaded here, not at start-up: the printer driver brings its encoder and code page tables,
      // which a till without a printer never needs (it is loaded already when there is one).
      const { validateDocument } = await import("../../drivers/printer/index.js");
      validateDocument(request.document);
      return api.print(request.document);
    }
  }
}
