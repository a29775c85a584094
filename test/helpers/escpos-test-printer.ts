import { createServer, type Server, type Socket } from "node:net";
import { SerialPort } from "serialport";
import { vi } from "vitest";
import { openDevicePty, type DevicePty } from "./device-pty.js";

/**
 * Printer stand-ins for the printer tests: they keep every byte they receive and answer ESC/POS
 * real-time status requests (`DLE EOT 1/2/4`) according to `state`, as an Epson printer would.
 * `silent` never answers (a printer or link without status support).
 */
export type TestPrinterState = "online" | "paper_out" | "cover_open" | "silent";

/** Answers to DLE EOT n = 1, 2, 4 (fixed bits 0x12; see drivers/printer/status.ts). */
const ANSWERS: Record<Exclude<TestPrinterState, "silent">, Record<number, number>> = {
  online: { 1: 0x12, 2: 0x12, 4: 0x12 },
  paper_out: { 1: 0x1a, 2: 0x32, 4: 0x72 },
  cover_open: { 1: 0x1a, 2: 0x16, 4: 0x12 },
};

/** Feeds received bytes, calls `reply` for every complete DLE EOT n (split across chunks too). */
function statusResponder(
  getState: () => TestPrinterState,
  reply: (byte: number) => void,
): (chunk: Buffer) => void {
  let tail: number[] = [];
  return (chunk) => {
    for (const byte of chunk) {
      tail.push(byte);
      if (tail.length > 3) tail = tail.slice(-3);
      if (tail.length === 3 && tail[0] === 0x10 && tail[1] === 0x04) {
        const state = getState();
        const answer = state === "silent" ? undefined : ANSWERS[state][tail[2] ?? 0];
        if (answer !== undefined) reply(answer);
        tail = [];
      }
    }
  };
}

export interface TcpTestPrinter {
  readonly port: number;
  state: TestPrinterState;
  /** The bytes of each connection, in order. */
  readonly sessions: Buffer[];
  /** Stops listening and drops connections: afterwards the port refuses (an offline printer). */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on a free port unless `port` is given (to bring an "offline" printer back). */
export async function startTcpTestPrinter(
  state: TestPrinterState = "online",
  port = 0,
): Promise<TcpTestPrinter> {
  const sockets = new Set<Socket>();
  const printer = { state, sessions: [] as Buffer[] } as TcpTestPrinter & { state: TestPrinterState };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const index = printer.sessions.push(Buffer.alloc(0)) - 1;
    const respond = statusResponder(
      () => printer.state,
      (byte) => socket.write(Uint8Array.of(byte)),
    );
    socket.on("data", (chunk: Buffer) => {
      printer.sessions[index] = Buffer.concat([printer.sessions[index] ?? Buffer.alloc(0), chunk]);
      respond(chunk);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return Object.assign(printer, {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

export interface PtyTestPrinter {
  /** The path the driver opens (as `serial:` or `usb:`). */
  readonly devicePath: string;
  state: TestPrinterState;
  /** Everything received so far. */
  received(): Buffer;
  close(): Promise<void>;
}

/** A printer on the far end of a real pty pair (socat); the driver opens `devicePath`. */
export async function startPtyTestPrinter(
  directory: string,
  state: TestPrinterState = "online",
): Promise<PtyTestPrinter> {
  const pty: DevicePty = await openDevicePty(directory, "printer");
  const peer = new SerialPort({ path: pty.peerPath, baudRate: 19200, autoOpen: false });
  await new Promise<void>((resolve, reject) => peer.open((error) => (error ? reject(error) : resolve())));
  let data = Buffer.alloc(0);
  const printer = { devicePath: pty.devicePath, state } as PtyTestPrinter & { state: TestPrinterState };
  const respond = statusResponder(
    () => printer.state,
    (byte) => peer.write(Uint8Array.of(byte)),
  );
  peer.on("data", (chunk: Buffer) => {
    data = Buffer.concat([data, chunk]);
    respond(chunk);
  });
  peer.on("error", () => undefined);
  return Object.assign(printer, {
    received: () => data,
    close: async () => {
      if (peer.isOpen) await new Promise<void>((resolve) => peer.close(() => resolve()));
      await pty.close();
    },
  });
}

/** Waits until `check` passes (for bytes that arrive asynchronously). */
export function eventually(check: () => void, timeout = 15_000): Promise<void> {
  return vi.waitFor(check, { timeout, interval: 20 });
}
