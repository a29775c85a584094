/**
 * The byte pipe under the link: a serial device (serial-transport.ts) or an in-memory cable
 * (memory-transport.ts). Only the serial implementation touches `serialport`.
 *
 * Contract: after `start`, the transport keeps trying to have the device open by itself (with
 * backoff) until `stop`. Each time it opens it calls `onOpen`; each time it loses the device
 * (closed, failed write, or `reopen`) it calls `onClose` once and starts trying again.
 */
export interface TransportEvents {
  onOpen(): void;
  onData(chunk: Uint8Array): void;
  onClose(reason: string): void;
}

export interface LinkTransport {
  /** For logs and the technician, e.g. the device path. */
  readonly description: string;
  start(events: TransportEvents): void;
  /**
   * Writes bytes, in call order. Resolves once they are fully handed to the device; rejects
   * (AgentError REGISTER_PORT_CLOSED or REGISTER_WRITE_FAILED) when the device is not open or
   * fails, in which case the transport drops and reopens the device by itself.
   */
  write(bytes: Uint8Array): Promise<void>;
  /** Drops the device and opens it again after the backoff (the peer went silent). */
  reopen(reason: string): void;
  /** Closes the device for good; no events follow. */
  stop(): Promise<void>;
}
