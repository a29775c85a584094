import { systemClock, type Clock, type TimerHandle } from "../../../lib/clock.js";
import type { CliIo } from "./cli-io.js";

export interface ProgressOptions {
  /** Say nothing for work that finishes sooner, ms. Default 1000. */
  readonly delayMs?: number;
  /** Spinner frame period on a terminal, ms. Default 100. */
  readonly frameMs?: number;
  readonly clock?: Clock;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/**
 * Awaits `work`, and if it takes longer than a second tells the technician what is going on,
 * on stderr: a spinner redrawn in place on a terminal (erased when done), or one line
 * `<label>…` when stderr is a file or a pipe. Settles exactly like `work`.
 */
export async function withProgress<T>(
  io: CliIo,
  label: string,
  work: Promise<T>,
  options: ProgressOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const frameMs = options.frameMs ?? 100;
  let timer: TimerHandle | undefined;
  let shown = false;
  let frame = 0;
  const draw = (): void => {
    if (!io.isTTY) {
      if (!shown) io.err(`${label}…\n`);
      shown = true;
      return;
    }
    shown = true;
    io.err(`\r\u001b[K${FRAMES[frame % FRAMES.length] ?? ""} ${label}…`);
    frame++;
    timer = clock.setTimeout(draw, frameMs);
  };
  timer = clock.setTimeout(draw, options.delayMs ?? 1_000);
  try {
    return await work;
  } finally {
    clock.clearTimeout(timer);
    if (shown && io.isTTY) io.err("\r\u001b[K");
  }
}
