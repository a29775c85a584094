import { loyaltyError } from "./errors.js";

/**
 * Waits for `work` unless `signal` aborts first (then rejects with LOYALTY_ABORTED). The Vipps
 * client's calls cannot be cancelled one by one, so an aborted wait leaves the call to finish
 * in the background and ignores its outcome (the race has handled its rejection).
 */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(loyaltyError("LOYALTY_ABORTED", "aborted by the caller"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
