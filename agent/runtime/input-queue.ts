/**
 * A run-to-completion queue, as drivers/register/link-endpoint.ts has for the link machine: a
 * job submitted while another runs — from inside it, e.g. a port that answers synchronously
 * while its effect is being started — waits until that job and everything queued before it
 * has finished. Jobs run in submission order, so the order of events is the order of the
 * journal, deterministically, with no locks.
 */
export class InputQueue {
  private readonly jobs: (() => void)[] = [];
  private running = false;

  /** True while a job runs (a job submitted now waits its turn). */
  get busy(): boolean {
    return this.running;
  }

  /**
   * Runs `job` in its turn. Its value (or what it throws) comes back at once when the queue was
   * idle; else as a promise, settled when the jobs before it are done — later in this same
   * synchronous call stack, before any I/O answer can arrive.
   */
  run<T>(job: () => T): T | Promise<T> {
    type Outcome = { ok: true; value: T } | { ok: false; error: unknown };
    let outcome: Outcome | undefined;
    let later: ((o: Outcome) => void) | undefined;
    this.submit(() => {
      let o: Outcome;
      try {
        o = { ok: true, value: job() };
      } catch (error) {
        o = { ok: false, error };
      }
      if (later === undefined) outcome = o;
      else later(o);
    });
    if (outcome !== undefined) {
      if (outcome.ok) return outcome.value;
      throw outcome.error;
    }
    return new Promise<T>((resolve, reject) => {
      later = (o) =>
        o.ok ? resolve(o.value) : reject(o.error instanceof Error ? o.error : new Error(String(o.error)));
    });
  }

  private submit(job: () => void): void {
    this.jobs.push(job);
    if (this.running) return;
    this.running = true;
    try {
      // Jobs never throw: run() catches for each.
      for (let next = this.jobs.shift(); next !== undefined; next = this.jobs.shift()) next();
    } finally {
      this.running = false;
    }
  }
}
