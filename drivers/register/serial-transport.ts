import { SerialPort } from "serialport";
import { backoffDelay } from "../../lib/backoff.js";
import { systemClock, type Clock, type TimerHandle } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import { silentLogger, type Logger } from "../../lib/log.js";
import { registerLinkError } from "./errors.js";
import type { LinkTransport, TransportEvents } from "./transport.js";

/**
 * The register cable as a serial device, with serialport 13. What serial links in the field
 * demand (README "Dependencies", docs/operations.md "The register cable"):
 * - open by a stable path (udev symlink or /dev/serial/by-id/…), never ttyUSBn;
 * - serialport never reconnects, and a vanished USB adapter may not emit `close` until a write
 *   fails: every write error or timeout drops the device, and the link's heartbeat makes sure
 *   there is a write to fail; then we reopen with capped, jittered backoff;
 * - the previous handle is closed before reopening, else "Cannot lock port";
 * - serialport queues writes on a closed port until it opens: we never write unless open, and
 *   refuse to queue more than `maxPendingBytes`, so nothing grows without bound.
 */

export interface SerialTransportOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits?: 7 | 8;
  readonly parity?: "none" | "even" | "odd";
  readonly stopBits?: 1 | 2;
  readonly rtscts?: boolean;
  /** Reopen backoff: the first ceiling and the largest, milliseconds. */
  readonly reopenMinMs: number;
  readonly reopenMaxMs: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly random?: () => number;
  /** Bytes handed to serialport but not yet drained before the device counts as stuck. */
  readonly maxPendingBytes?: number;
  /** Makes the port; serialport's SerialPort by default, SerialPortMock in unit tests. */
  readonly portFactory?: (options: PortOpenOptions) => SerialPortLike;
}

export interface PortOpenOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: "none" | "even" | "odd";
  readonly stopBits: 1 | 2;
  readonly rtscts: boolean;
  readonly autoOpen: false;
  readonly lock: true;
}

/** The part of serialport's stream this transport uses. */
export interface SerialPortLike {
  open(callback: (error: Error | null) => void): void;
  write(data: Buffer): boolean;
  drain(callback: (error: Error | null) => void): void;
  close(callback: (error: Error | null) => void): void;
  on(event: "data", listener: (chunk: Buffer) => void): this;
  on(event: "close" | "error", listener: (error?: Error | null) => void): this;
  removeAllListeners(event?: string): this;
  readonly isOpen: boolean;
}

type Status = "idle" | "waiting" | "opening" | "open" | "stopped";

interface PendingWrite {
  readonly length: number;
  readonly reject: (error: Error) => void;
  readonly timer: TimerHandle;
}

export class SerialTransport implements LinkTransport {
  readonly description: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly factory: (options: PortOpenOptions) => SerialPortLike;
  private status: Status = "idle";
  private events: TransportEvents | undefined;
  private port: SerialPortLike | undefined;
  private closing: Promise<void> = Promise.resolve();
  private reopenTimer: TimerHandle | undefined;
  /** Consecutive reopens without a byte received: the backoff exponent. */
  private attempts = 0;
  private readonly writes = new Set<PendingWrite>();
  private pendingBytes = 0;
  private lastOpenError = "";

  constructor(private readonly options: SerialTransportOptions) {
    this.description = options.path;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger()).child({ module: "register-serial", path: options.path });
    this.factory = options.portFactory ?? ((o) => new SerialPort(o));
  }

  start(events: TransportEvents): void {
    if (this.status !== "idle" && this.status !== "stopped") return;
    this.events = events;
    this.open();
  }

  write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (this.status !== "open" || port === undefined) {
      return Promise.reject(registerLinkError("REGISTER_PORT_CLOSED", `${this.description} is not open`));
    }
    if (!port.isOpen) {
      // serialport would queue the bytes until the port opens again, which a vanished
      // device never does.
      this.lose("the device is no longer open");
      return Promise.reject(
        registerLinkError("REGISTER_WRITE_FAILED", `${this.description} is no longer open`),
      );
    }
    const max = this.options.maxPendingBytes ?? 262_144;
    if (this.pendingBytes + bytes.length > max) {
      this.lose(`more than ${max} bytes wait to be written: the device does not take them`);
      return Promise.reject(
        registerLinkError("REGISTER_WRITE_FAILED", `${this.description} does not take bytes`),
      );
    }
    return new Promise((resolve, reject) => {
      const pending: PendingWrite = {
        length: bytes.length,
        reject,
        timer: this.clock.setTimeout(
          () => this.lose(`a write of ${bytes.length} bytes did not finish in time`),
          this.writeTimeoutMs(bytes.length),
        ),
      };
      this.writes.add(pending);
      this.pendingBytes += bytes.length;
      port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      port.drain((error) => {
        if (!this.writes.delete(pending)) return;
        this.clock.clearTimeout(pending.timer);
        this.pendingBytes -= pending.length;
        if (error === null || error === undefined) {
          resolve();
          return;
        }
        reject(
          registerLinkError(
            "REGISTER_WRITE_FAILED",
            `write to ${this.description} failed: ${error.message}`,
            { cause: error },
          ),
        );
        if (port === this.port) this.lose(`write failed: ${error.message}`);
      });
    });
  }

  reopen(reason: string): void {
    if (this.status === "open") this.lose(reason);
  }

  async stop(): Promise<void> {
    this.status = "stopped";
    this.events = undefined;
    this.clock.clearTimeout(this.reopenTimer);
    this.failWrites("the transport was stopped");
    const port = this.port;
    this.port = undefined;
    if (port !== undefined) this.closing = this.closePort(port);
    await this.closing;
  }

  /** Up to 2 s plus twice the time the bytes take on the wire (11 bits per byte at most). */
  private writeTimeoutMs(length: number): number {
    return 2000 + Math.ceil((length * 11 * 1000 * 2) / this.options.baudRate);
  }

  private open(): void {
    this.status = "opening";
    void this.closing.then(() => {
      if (this.status !== "opening") return;
      let port: SerialPortLike;
      try {
        port = this.factory({
          path: this.options.path,
          baudRate: this.options.baudRate,
          dataBits: this.options.dataBits ?? 8,
          parity: this.options.parity ?? "none",
          stopBits: this.options.stopBits ?? 1,
          rtscts: this.options.rtscts ?? false,
          autoOpen: false,
          lock: true,
        });
      } catch (error) {
        this.openFailed(error);
        return;
      }
      port.on("error", (error) => {
        if (port === this.port) this.lose(`device error: ${errorMessage(error)}`);
      });
      port.open((error) => {
        if (this.status !== "opening") {
          if (error === null) this.closing = this.closePort(port);
          return;
        }
        if (error !== null) {
          port.removeAllListeners();
          port.on("error", () => undefined);
          this.openFailed(error);
          return;
        }
        this.port = port;
        this.status = "open";
        this.lastOpenError = "";
        port.on("data", (chunk) => {
          if (port !== this.port) return;
          this.attempts = 0;
          this.events?.onData(chunk);
        });
        port.on("close", (closeError) => {
          if (port === this.port) this.lose(`device closed${closeError ? `: ${closeError.message}` : ""}`);
        });
        this.logger.info("register device open");
        this.events?.onOpen();
      });
    });
  }

  private openFailed(error: unknown): void {
    const message = errorMessage(error);
    // The same failure every few seconds for hours (device unplugged) is logged once.
    if (message !== this.lastOpenError)
      this.logger.warn({ err: message }, "cannot open the register device; retrying");
    this.lastOpenError = message;
    this.scheduleOpen();
  }

  private scheduleOpen(): void {
    this.status = "waiting";
    const policy = { baseMs: this.options.reopenMinMs, maxMs: this.options.reopenMaxMs };
    const delay = Math.max(
      this.options.reopenMinMs,
      backoffDelay(policy, this.attempts, this.options.random),
    );
    this.attempts++;
    this.clock.clearTimeout(this.reopenTimer);
    this.reopenTimer = this.clock.setTimeout(() => this.open(), delay);
  }

  /** Drops the open device, tells the link, and schedules the reopen. */
  private lose(reason: string): void {
    const port = this.port;
    if (this.status !== "open" || port === undefined) return;
    this.port = undefined;
    this.logger.warn({ reason }, "register device lost; reopening");
    this.failWrites(reason);
    this.closing = this.closePort(port);
    this.scheduleOpen();
    this.events?.onClose(reason);
  }

  private failWrites(reason: string): void {
    for (const pending of this.writes) {
      this.clock.clearTimeout(pending.timer);
      pending.reject(
        registerLinkError("REGISTER_WRITE_FAILED", `write to ${this.description} abandoned: ${reason}`),
      );
    }
    this.writes.clear();
    this.pendingBytes = 0;
  }

  private closePort(port: SerialPortLike): Promise<void> {
    port.removeAllListeners();
    port.on("error", () => undefined);
    if (!port.isOpen) return Promise.resolve();
    // A vanished device may never answer the close: do not let that block the reopen forever.
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(resolve, 2000);
      port.close(() => {
        this.clock.clearTimeout(timer);
        resolve();
      });
    });
  }
}

export function createSerialTransport(options: SerialTransportOptions): SerialTransport {
  return new SerialTransport(options);
}
