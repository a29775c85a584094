import type { Clock, TimerHandle } from "../../lib/clock.js";
import { systemClock } from "../../lib/clock.js";
import { errorMessage, isAgentError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { silentLogger } from "../../lib/log.js";
import type { PrintDocument } from "./document.js";
import type { PrinterErrorCode } from "./errors.js";
import { RETRYABLE_PRINTER_ERRORS, printerError } from "./errors.js";
import { layoutDocument } from "./layout.js";
import type { ReceiptPrinter } from "./printer.js";

/** A job's id is the caller's (e.g. `receipt:<saleId>`), so a re-enqueue after a restart is the same job. */
export interface PrintJob {
  readonly id: string;
  readonly document: PrintDocument;
}

/** Reported after every attempt. `willRetry` is false once the job has left the queue. */
export type PrintOutcome =
  | { readonly jobId: string; readonly printed: true; readonly attempt: number }
  | {
      readonly jobId: string;
      readonly printed: false;
      readonly error: PrinterErrorCode;
      readonly attempt: number;
      readonly willRetry: boolean;
    };

export interface PrintQueueOptions {
  /** Wait between attempts while the printer is not ready (config `printer.retryIntervalMs`). */
  readonly retryIntervalMs: number;
  /** Printer columns, to validate documents at enqueue. */
  readonly columns: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly onOutcome?: (outcome: PrintOutcome) => void;
  /**
   * Awaited right before each attempt sends the job to the printer (the checkout journals
   * "printing" here, so a crash mid-print turns the next print into a COPY). When it rejects,
   * the attempt is not made and counts as failed (`PRINTER_WRITE_FAILED`, retried).
   */
  readonly beforePrint?: (job: PrintJob, attempt: number) => Promise<void> | void;
}

/**
 * Receipts in memory, printed in order, one at a time. `enqueue` validates the document and
 * returns at once: the payment path never waits for paper. While the printer is not ready the
 * head job is retried every `retryIntervalMs`; every attempt is reported. Persisting jobs across
 * restarts is the caller's (the checkout's journal re-enqueues unprinted receipts).
 */
export class PrintQueue {
  private readonly jobs: PrintJob[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly listeners = new Set<(outcome: PrintOutcome) => void>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private retryTimer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly printer: ReceiptPrinter,
    private readonly options: PrintQueueOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger()).child({ module: "print-queue" });
    if (options.onOutcome !== undefined) this.listeners.add(options.onOutcome);
  }

  /**
   * Adds a job and returns its id without waiting. Throws `PRINTER_BAD_DOCUMENT` (nothing
   * queued) for an invalid document, `PRINTER_CLOSED` after `close`. A job whose id is already
   * queued is not added twice.
   */
  enqueue(job: PrintJob): string {
    if (this.closed) throw printerError("PRINTER_CLOSED", "the print queue is closed");
    if (typeof job.id !== "string" || job.id === "" || job.id.length > 128) {
      throw printerError("PRINTER_BAD_DOCUMENT", "job id must be a string of 1–128 characters");
    }
    layoutDocument(job.document, { columns: this.options.columns, timeZone: "UTC" });
    if (this.jobs.some((queued) => queued.id === job.id)) return job.id;
    this.jobs.push(job);
    if (this.retryTimer === undefined) this.kick();
    return job.id;
  }

  /** Subscribes to outcomes; returns the unsubscribe function. */
  onOutcome(listener: (outcome: PrintOutcome) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ids waiting or printing, in order. */
  get pending(): readonly string[] {
    return this.jobs.map((job) => job.id);
  }

  /** Removes a waiting job (not one being sent right now). */
  cancel(jobId: string): boolean {
    const index = this.jobs.findIndex((job) => job.id === jobId);
    if (index === -1) return false;
    const beingSent = index === 0 && this.running !== undefined;
    if (beingSent) return false;
    this.jobs.splice(index, 1);
    this.attempts.delete(jobId);
    return true;
  }

  /** Stops retrying and waits for the attempt in progress; queued jobs are dropped (the journal has them). */
  async close(): Promise<void> {
    this.closed = true;
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.running;
  }

  private kick(): void {
    if (this.running !== undefined || this.closed) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let job = this.jobs[0]; job !== undefined && !this.closed; job = this.jobs[0]) {
      const attempt = (this.attempts.get(job.id) ?? 0) + 1;
      this.attempts.set(job.id, attempt);
      try {
        await this.options.beforePrint?.(job, attempt);
        await this.printer.print(job.document);
        this.finish(job);
        this.emit({ jobId: job.id, printed: true, attempt });
      } catch (error) {
        const code: PrinterErrorCode =
          isAgentError<PrinterErrorCode>(error) && error.code.startsWith("PRINTER_")
            ? error.code
            : "PRINTER_WRITE_FAILED";
        const willRetry = RETRYABLE_PRINTER_ERRORS.includes(code) && !this.closed;
        this.log.warn(
          { jobId: job.id, attempt, code, willRetry, err: errorMessage(error) },
          "receipt not printed",
        );
        if (!willRetry) this.finish(job);
        this.emit({ jobId: job.id, printed: false, error: code, attempt, willRetry });
        if (willRetry) {
          this.retryTimer = this.clock.setTimeout(() => {
            this.retryTimer = undefined;
            this.kick();
          }, this.options.retryIntervalMs);
          return;
        }
      }
    }
  }

  private finish(job: PrintJob): void {
    const index = this.jobs.indexOf(job);
    if (index !== -1) this.jobs.splice(index, 1);
    this.attempts.delete(job.id);
  }

  private emit(outcome: PrintOutcome): void {
    for (const listener of this.listeners) {
      try {
        listener(outcome);
      } catch (error) {
        this.log.error({ err: errorMessage(error) }, "print outcome listener threw");
      }
    }
  }
}
