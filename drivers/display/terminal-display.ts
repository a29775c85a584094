import { constants, openSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open, stat, writeFile } from "node:fs/promises";
import { isatty, WriteStream } from "node:tty";
import type { Logger } from "../../lib/log.js";
import { silentLogger } from "../../lib/log.js";
import type { Currency } from "../../lib/money.js";
import { isAgentError } from "../../lib/errors.js";
import type { CustomerDisplay } from "./customer-display.js";
import { displayError } from "./errors.js";
import { renderScreen } from "./render-screen.js";
import type { BrandSetting, Language } from "../../lib/locale/index.js";
import type { Screen } from "./screen.js";

/** A writable the display can draw on, e.g. `process.stdout` for the demo. */
export interface FrameStream {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
  readonly columns?: number;
  readonly rows?: number;
  readonly isTTY?: boolean;
}

export interface TerminalDisplayOptions {
  /**
   * A TTY (`/dev/tty1`, the Pi's HDMI console), any other writable path (each frame replaces
   * the file's content: an SSH preview is `cat <file>`), or a stream.
   */
  readonly target: { readonly path: string } | { readonly stream: FrameStream };
  readonly language: Language;
  readonly brand: BrandSetting;
  readonly currency: Currency;
  /** Configured size (config `display.rows` / `display.columns`); otherwise read from the TTY, else 24 × 80. */
  readonly rows?: number;
  readonly columns?: number;
  /** A device that has not taken a frame after this long fails the `show` (milliseconds, default 5000). */
  readonly writeTimeoutMs?: number;
  readonly logger?: Logger;
}

const DEFAULT_ROWS = 24;
const DEFAULT_COLUMNS = 80;

/**
 * Linux console only: stop the screen blanking after 10 minutes (console_codes(4) `ESC [ 9 ; 0 ]`).
 * Other terminals ignore the unknown sequence.
 */
const TTY_SETUP = "\u001b[9;0]";
const RESTORE = "\u001b[0m\u001b[?25h\u001b[?7h";

interface Sink {
  readonly size: () => { rows?: number; columns?: number };
  readonly write: (frame: string) => Promise<void>;
  /** Orderly: restores the terminal, then releases it. */
  readonly close: () => Promise<void>;
  /** After a failure: releases the device without writing to it. */
  readonly destroy: () => Promise<void>;
}

/** Opens nothing until the first `show`; a failed write drops the handle so the next show reopens. */
export function openTerminalDisplay(options: TerminalDisplayOptions): CustomerDisplay {
  const log = (options.logger ?? silentLogger()).child({ module: "display" });
  let sink: Sink | undefined;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  const draw = async (screen: Screen): Promise<void> => {
    if (closed) throw displayError("DISPLAY_CLOSED", "the display is closed");
    try {
      sink ??= await openSink(options.target, options.writeTimeoutMs ?? DEVICE_WRITE_TIMEOUT_MS);
    } catch (error) {
      throw displayError("DISPLAY_WRITE_FAILED", `cannot open the display: ${describe(error)}`, {
        cause: error,
      });
    }
    const measured = sink.size();
    const frame = renderScreen(screen, {
      rows: options.rows ?? measured.rows ?? DEFAULT_ROWS,
      columns: options.columns ?? measured.columns ?? DEFAULT_COLUMNS,
      language: options.language,
      brand: options.brand,
      currency: options.currency,
    });
    try {
      await sink.write(frame);
    } catch (error) {
      const broken = sink;
      sink = undefined;
      await broken.destroy().catch(() => undefined);
      log.warn({ code: "DISPLAY_WRITE_FAILED", err: describe(error) }, "display write failed");
      throw displayError("DISPLAY_WRITE_FAILED", `cannot write to the display: ${describe(error)}`, {
        cause: error,
      });
    }
  };

  return {
    show(screen) {
      const next = chain.then(() => draw(screen));
      chain = next.catch(() => undefined);
      return next;
    },
    async close() {
      closed = true;
      await chain;
      const current = sink;
      sink = undefined;
      if (current !== undefined) await current.close();
    },
  };
}

function describe(error: unknown): string {
  if (isAgentError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

async function openSink(target: TerminalDisplayOptions["target"], timeoutMs: number): Promise<Sink> {
  if ("stream" in target) return streamSink(target.stream);
  const info = await stat(target.path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (info === undefined || info.isFile()) return fileSink(target.path);
  return deviceSink(target.path, timeoutMs);
}

/**
 * A TTY or other device, written through a non-blocking descriptor. Not `tty.WriteStream`: Node
 * makes TTY writes blocking, so a console nobody drains (a stalled pty, a serial console with
 * flow control) would freeze the agent's event loop, payments included.
 */
async function deviceSink(path: string, timeoutMs: number): Promise<Sink> {
  // O_NOCTTY: the agent has no controlling terminal under systemd and must not acquire this one.
  const handle = await open(path, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  const tty = isatty(handle.fd);
  const write = (text: string): Promise<void> =>
    writeNonBlocking(handle, Buffer.from(text, "utf8"), timeoutMs);
  try {
    if (tty) await write(TTY_SETUP);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return {
    size: () => (tty ? ttySize(path) : {}),
    write,
    close: async () => {
      if (tty) await write(RESTORE).catch(() => undefined);
      await handle.close();
    },
    destroy: () => handle.close(),
  };
}

const DEVICE_WRITE_TIMEOUT_MS = 5_000;
const RETRY_MS = 10;

async function writeNonBlocking(handle: FileHandle, bytes: Buffer, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let offset = 0;
  while (offset < bytes.length) {
    try {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
      offset += bytesWritten;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      if (Date.now() > deadline) {
        throw new Error(`the device took only ${offset} of ${bytes.length} bytes in ${timeoutMs} ms`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

/**
 * The TTY's size (TIOCGWINSZ), read on every frame so a resized console is noticed. A separate
 * descriptor is used because `tty.WriteStream` switches its own descriptor to blocking mode.
 * A pty or serial console that never had its size set reports 0 × 0: then the defaults apply.
 */
function ttySize(path: string): { rows?: number; columns?: number } {
  let probe: WriteStream | undefined;
  try {
    probe = new WriteStream(openSync(path, constants.O_WRONLY | constants.O_NOCTTY | constants.O_NONBLOCK));
    const [columns, rows] = probe.getWindowSize();
    return { rows: rows > 0 ? rows : undefined, columns: columns > 0 ? columns : undefined };
  } catch {
    return {};
  } finally {
    probe?.destroy();
  }
}

function streamSink(stream: FrameStream): Sink {
  return {
    size: () => {
      if (stream.isTTY !== true) return {};
      const rows = stream.rows !== undefined && stream.rows > 0 ? stream.rows : undefined;
      const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined;
      return { rows, columns };
    },
    write: (frame) =>
      new Promise<void>((resolve, reject) => {
        stream.write(frame, (error) => (error ? reject(error) : resolve()));
      }),
    close: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
  };
}

function fileSink(path: string): Sink {
  return {
    size: () => ({}),
    write: (frame) => writeFile(path, frame),
    close: () => Promise.resolve(),
    destroy: () => Promise.resolve(),
  };
}
