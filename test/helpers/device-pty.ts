import { spawn, type ChildProcess } from "node:child_process";
import { constants, existsSync, openSync } from "node:fs";
import { ReadStream } from "node:tty";
import { join } from "node:path";
import { vi } from "vitest";

/**
 * A real pty pair from socat for the display and printer tests: `devicePath` is the end the
 * driver opens (stands in for /dev/tty1 or a serial printer), `peerPath` the end the test
 * reads and answers on. `close()` kills socat (by its pid) and waits for it to exit.
 */
export interface DevicePty {
  readonly devicePath: string;
  readonly peerPath: string;
  close(): Promise<void>;
}

export async function openDevicePty(directory: string, name = "device"): Promise<DevicePty> {
  const devicePath = join(directory, name);
  const peerPath = join(directory, `${name}-peer`);
  const child: ChildProcess = spawn(
    "socat",
    [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${peerPath}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await vi.waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`socat exited: ${stderr}`);
      if (!existsSync(devicePath) || !existsSync(peerPath)) throw new Error("pty links not there yet");
    },
    { timeout: 15_000, interval: 20 },
  );
  return {
    devicePath,
    peerPath,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * Everything that arrives on `path` (a pty end), until `stop()`. Read through a tty stream
 * (non-blocking, on the event loop) so a pending read never holds a libuv pool thread.
 */
export function captureFrom(path: string): { bytes(): Buffer; text(): string; stop(): void } {
  const chunks: Buffer[] = [];
  const stream = new ReadStream(openSync(path, constants.O_RDWR | constants.O_NOCTTY));
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  // EIO when socat goes away is expected.
  stream.on("error", () => undefined);
  return {
    bytes: () => Buffer.concat(chunks),
    text: () => Buffer.concat(chunks).toString("utf8"),
    stop: () => stream.destroy(),
  };
}
