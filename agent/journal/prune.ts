import type { Clock } from "../../lib/clock.js";
import type { Journal } from "./journal.js";

/** Sales per prune step (with about ten rows each): ~1 ms of deleting here (npm run bench), a few on a Pi. */
const PRUNE_BATCH = 10;
const CHECKPOINT_EVERY_STEPS = 4;

const yieldToSales = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface PruneResult {
  readonly sales: number;
  /** Transitions and register messages removed. */
  readonly rows: number;
  readonly steps: number;
  /** The longest single step: the longest the prune held the event loop, ms. */
  readonly longestStepMs: number;
}

/**
 * The retention prune, in small steps with the event loop given back between them. At a year's
 * size (~200,000 sales) one day past retention is thousands of rows; deleted in one transaction
 * they would hold up a sale being paid for as long as the deleting takes. A step is one lazy
 * commit (Journal.pruneStep); between steps, whatever is waiting — a webhook, a register
 * command — runs first, and every few steps the WAL is checkpointed as a step of its own.
 * Stops between steps once `signal` is aborted (the agent stopping).
 */
export async function pruneJournal(
  journal: Journal,
  olderThan: number,
  clock: Clock,
  options: { readonly batch?: number; readonly signal?: AbortSignal } = {},
): Promise<PruneResult> {
  const batch = options.batch ?? PRUNE_BATCH;
  let sales = 0;
  let rows = 0;
  let steps = 0;
  let longestStepMs = 0;
  while (options.signal?.aborted !== true) {
    const started = clock.monotonic();
    const step = journal.pruneStep(olderThan, batch);
    longestStepMs = Math.max(longestStepMs, clock.monotonic() - started);
    steps++;
    sales += step.sales;
    rows += step.rows;
    if (step.sales === 0 && step.rows === 0) break;
    await yieldToSales();
    if (steps % CHECKPOINT_EVERY_STEPS === 0) {
      // What the steps deleted leaves the WAL here, not in the next sale's commit.
      const checkpointing = clock.monotonic();
      journal.checkpoint();
      longestStepMs = Math.max(longestStepMs, clock.monotonic() - checkpointing);
      await yieldToSales();
    }
  }
  return { sales, rows, steps, longestStepMs };
}
