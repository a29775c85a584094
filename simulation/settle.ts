/** Letting the event loop settle between two simulated timers. */

/** A bound on the rounds of one settle: a chain of immediates that never ends is a bug, not a wait. */
const SETTLE_ROUNDS = 1_000;

/**
 * Lets every promise, and the cable's and register handler's immediates (and the immediates
 * those cause), settle before time moves on. One round of the event loop when the timer caused
 * only promises; another while the process still has an immediate queued (Node's own count,
 * `process.getActiveResourcesInfo`). A fixed number of rounds would both waste loop turns after
 * most timers and leave a long chain unfinished when the next timer fires.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < SETTLE_ROUNDS; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!process.getActiveResourcesInfo().includes("Immediate")) return;
  }
}
