import { lstatSync, unlinkSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { systemClock, type Clock } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import { createLogLimiter } from "../../lib/log-limiter.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import type { ControlApi } from "./api.js";
import { controlError } from "./errors.js";
import { peerCredentials, type PeerCredentials } from "./peer-credentials.js";
import { CONTROL_METHODS, encodeError, MAX_REQUEST_BYTES, type ControlMethod } from "./protocol.js";
import { handleLine } from "./request-handler.js";
import { prepareSocketPath, secureSocketFile, type SocketAccess } from "./socket-file.js";

export interface ControlServerOptions extends SocketAccess {
  /** Config `control.socketPath` or `control.refundSocketPath`; under systemd in /run/pos-agent/. */
  readonly socketPath: string;
  readonly api: ControlApi;
  readonly logger?: Logger;
  /** A connection must deliver its whole request line within this long, ms. Default 5000. */
  readonly requestTimeoutMs?: number;
  /** Methods served on this socket; others are CONTROL_FORBIDDEN. Default: all. */
  readonly methods?: readonly ControlMethod[];
  /**
   * Requests served at once. Default 16. Connections beyond it are answered CONTROL_BUSY
   * (nothing done) — up to 4 × this many connections in all; past that a connection is closed
   * at once, unanswered, so a flood of connections cannot exhaust the agent's descriptors.
   */
  readonly maxConnections?: number;
  /**
   * For the request deadline, the busy answer's wait and the log limiter's windows. Default
   * the system clock. (The idle drop after an answer is the socket's own timeout: I/O time.)
   */
  readonly clock?: Clock;
  /** Who sent a money-moving request (tests); default the kernel's answer, peer-credentials.ts. */
  readonly identifyPeer?: (socket: Socket) => Promise<PeerCredentials>;
}

export interface ControlServer {
  readonly socketPath: string;
  /** Stops listening, drops open connections, removes the socket file (if still ours). */
  close(): Promise<void>;
}

/**
 * Serves the control protocol (protocol.ts) on a unix socket. One request per connection; the
 * answer is written when the API call settles, then the connection is closed. Nothing a client
 * sends can throw out of here: bad JSON, unknown methods, oversized or slow requests and
 * vanished clients each get an error code (or are dropped) and are logged at most once; a
 * money-moving request is logged with its sender (request-handler.ts).
 *
 * Throws CONTROL_SOCKET_IN_USE when another agent answers on the path (two agents must never
 * share a till), CONTROL_BAD_SOCKET_PATH when the path is not usable. A stale socket file left
 * by a crash is replaced.
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { socketPath, api } = options;
  const log = (options.logger ?? silentLogger()).child({ module: "control", socket: socketPath });
  const clock = options.clock ?? systemClock;
  const limited = createLogLimiter(log, { clock });
  const requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
  const methods = options.methods ?? CONTROL_METHODS;
  const serving = options.maxConnections ?? 16;
  const identifyPeer = options.identifyPeer ?? ((socket: Socket) => peerCredentials(socket));
  await prepareSocketPath(socketPath);

  const sockets = new Set<Socket>();
  /** Connections beyond `serving`: answered CONTROL_BUSY. */
  const turnedAway = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((socket) => {
    if (sockets.size + turnedAway.size >= 4 * serving) {
      // A flood: not even an answer, or the agent would run out of descriptors.
      limited.log(
        "warn",
        { open: sockets.size + turnedAway.size },
        "control connection closed unanswered: too many at once",
      );
      socket.destroy();
      return;
    }
    if (sockets.size >= serving) {
      turnedAway.add(socket);
      socket.once("close", () => turnedAway.delete(socket));
      limited.log("warn", { serving }, "control request refused: busy");
      turnAway(socket, clock, Math.min(requestTimeoutMs, 1_000), serving);
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    const requestId = ++requests;
    serveConnection(socket, log, clock, requestTimeoutMs, (line) =>
      handleLine(line, { api, log, methods, requestId, identifyPeer: () => identifyPeer(socket) }),
    );
  });
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
    inode = secureSocketFile(socketPath, options, log);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  log.info({ socketPath, methods }, "control socket listening");

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of [...sockets, ...turnedAway]) socket.destroy();
        limited.close();
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

/**
 * CONTROL_BUSY, once the client has sent its request (answering before could make its write
 * fail with EPIPE, and the client would never read why) or after `waitMs`.
 */
function turnAway(socket: Socket, clock: Clock, waitMs: number, serving: number): void {
  const answer = (): void => {
    clock.clearTimeout(timer);
    if (!socket.destroyed)
      socket.end(
        encodeError(
          "CONTROL_BUSY",
          `the agent is serving ${serving} requests already; nothing was done: try again`,
        ),
      );
  };
  const timer = clock.setTimeout(answer, waitMs);
  // A client that keeps its end open after the answer is dropped once it goes quiet.
  socket.setTimeout(2 * waitMs, () => socket.destroy());
  socket.on("error", () => undefined);
  socket.once("data", answer);
  socket.once("close", () => clock.clearTimeout(timer));
}

/** Reads one request line (bounded in size and time), answers with `respond`, closes. */
function serveConnection(
  socket: Socket,
  log: Logger,
  clock: Clock,
  requestTimeoutMs: number,
  respond: (line: string) => Promise<string>,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let answered = false;
  const answer = (line: string): void => {
    if (answered) return;
    answered = true;
    clock.clearTimeout(timer);
    socket.off("data", onData);
    if (socket.destroyed) return;
    socket.end(line);
    // A client that keeps its end open after the answer is dropped once it goes quiet.
    socket.setTimeout(requestTimeoutMs, () => socket.destroy());
  };
  const timer = clock.setTimeout(
    () =>
      answer(encodeError("CONTROL_BAD_REQUEST", `no complete request line within ${requestTimeoutMs} ms`)),
    requestTimeoutMs,
  );
  socket.on("error", (error) => log.debug({ err: errorMessage(error) }, "control connection error"));
  socket.once("close", () => clock.clearTimeout(timer));

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
    clock.clearTimeout(timer);
    socket.off("data", onData);
    const line = Buffer.concat(chunks).toString("utf8");
    void respond(line).then(answer);
  };
  socket.on("data", onData);
}
