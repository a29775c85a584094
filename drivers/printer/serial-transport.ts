import { SerialPort } from "serialport";
import type { Clock } from "../../lib/clock.js";
import type { PrinterConnection, PrinterTransport } from "./transport.js";
import { InputBuffer } from "./transport.js";

/**
 * An RS-232 or USB-serial printer through serialport (8N1, no flow control; the port is locked
 * while a job runs). Open it by a udev symlink, not ttyUSBn: those swap on reboot.
 */
export function serialTransport(path: string, baudRate: number, clock: Clock): PrinterTransport {
  return {
    description: `serial ${path} ${baudRate} baud`,
    connect: (timeoutMs) =>
      new Promise<PrinterConnection>((resolve, reject) => {
        const port = new SerialPort({ path, baudRate, autoOpen: false });
        const input = new InputBuffer(clock);
        let settled = false;
        const timer = clock.setTimeout(() => {
          settled = true;
          if (port.isOpen) port.close(() => undefined);
          reject(new Error(`${path} did not open within ${timeoutMs} ms`));
        }, timeoutMs);
        port.open((error) => {
          clock.clearTimeout(timer);
          if (settled) {
            if (!error) port.close(() => undefined);
            return;
          }
          settled = true;
          if (error) {
            reject(error);
            return;
          }
          port.on("data", (chunk: Buffer) => input.push(chunk));
          port.on("close", () => input.end());
          // Errors surface through write/drain callbacks; this keeps an unplug from crashing the process.
          port.on("error", () => undefined);
          resolve({
            write: (bytes) =>
              new Promise<void>((done, fail) => {
                port.write(Buffer.from(bytes), (writeError) => {
                  if (writeError) fail(writeError);
                  else port.drain((drainError) => (drainError ? fail(drainError) : done()));
                });
              }),
            read: (count, ms) => input.read(count, ms),
            discardInput: () => input.discard(),
            close: () =>
              new Promise<void>((done) => {
                if (!port.isOpen) {
                  done();
                  return;
                }
                port.close(() => done());
              }),
          });
        });
      }),
  };
}
