import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { sleep, type Clock } from "../../lib/clock.js";
import type { PrinterConnection, PrinterTransport } from "./transport.js";

/** Poll period for status bytes and for a printer buffer that is full (milliseconds). */
const POLL_MS = 20;

/**
 * A USB printer through the kernel's usblp device file (`/dev/usb/lp0`), opened read-write and
 * non-blocking: a printer that stops taking data (paper out, unplugged) can never block a libuv
 * thread or the event loop; writes and reads poll instead. A write-only device still prints;
 * its status is then unknown.
 */
export function deviceFileTransport(path: string, clock: Clock): PrinterTransport {
  return {
    description: `usb ${path}`,
    connect: async () => {
      const flags = constants.O_NONBLOCK | constants.O_NOCTTY;
      let handle: FileHandle;
      let readable = true;
      try {
        handle = await open(path, constants.O_RDWR | flags);
      } catch (error) {
        if (
          (error as NodeJS.ErrnoException).code !== "EACCES" &&
          (error as NodeJS.ErrnoException).code !== "EINVAL"
        )
          throw error;
        handle = await open(path, constants.O_WRONLY | flags);
        readable = false;
      }
      const scratch = Buffer.alloc(64);
      const poll = async (): Promise<Buffer> => {
        if (!readable) return Buffer.alloc(0);
        try {
          const { bytesRead } = await handle.read(scratch, 0, scratch.length, null);
          return Buffer.from(scratch.subarray(0, bytesRead));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "EAGAIN") return Buffer.alloc(0);
          throw error;
        }
      };
      let pending = Buffer.alloc(0);
      const connection: PrinterConnection = {
        write: async (bytes) => {
          let offset = 0;
          while (offset < bytes.length) {
            try {
              const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
              offset += bytesWritten;
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
              await sleep(clock, POLL_MS);
            }
          }
        },
        read: async (count, timeoutMs) => {
          const deadline = clock.monotonic() + timeoutMs;
          for (;;) {
            pending = Buffer.concat([pending, await poll()]);
            if (pending.length >= count || clock.monotonic() >= deadline) break;
            await sleep(clock, POLL_MS);
          }
          const out = pending.subarray(0, count);
          pending = pending.subarray(out.length);
          return Uint8Array.from(out);
        },
        discardInput: () => {
          pending = Buffer.alloc(0);
        },
        close: () => handle.close().catch(() => undefined),
      };
      return connection;
    },
  };
}
