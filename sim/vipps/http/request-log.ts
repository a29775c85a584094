/**
 * What the simulator received and how it answered, for tests and the standalone console:
 * "the capture was sent twice with the same Idempotency-Key" is asserted from here. Only
 * log-safe facts are kept: no headers, no bodies, no tokens, no phone numbers.
 */
export interface RequestLogEntry {
  /** ISO time on the simulator's clock when the request arrived. */
  readonly at: string;
  readonly method: string;
  readonly path: string;
  /** Endpoint name (see ENDPOINTS) or `control.*`, or `unknown`. */
  readonly endpoint: string;
  /** HTTP status sent, or `dropped` when the connection was destroyed by a fault. */
  readonly status: number | "dropped";
  /** Ids of the fault rules that applied. */
  readonly faults: readonly string[];
  readonly idempotencyKey?: string;
  readonly reference?: string;
}

export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];

  constructor(private readonly capacity = 10_000) {}

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries.length = 0;
  }
}
