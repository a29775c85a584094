import { Duplex } from "node:stream";
import { AgentError } from "../../lib/errors.js";
import { PacketSizeGuard, type RefusedPacket } from "./packet-size-guard.js";
import type { MqttErrorCode } from "./types.js";

/**
 * The broker connection as mqtt.js sees it: the same socket, but with every incoming packet over
 * `maxPacketBytes` filtered out before mqtt.js's parser could buffer it (packet-size-guard.ts).
 * A refused QoS 1 PUBLISH is acknowledged here, so the broker forgets it instead of sending it
 * again after every reconnect — the till's answer to a message it will never accept, as for any
 * other invalid envelope. The PUBACK goes through this stream's own writable side, queued behind
 * whatever mqtt.js has written, so it can never land inside one of mqtt.js's packets.
 */
export interface IncomingPacketLimit {
  readonly maxPacketBytes: number;
  /** Called for each oversized message skipped (after its PUBACK was queued). */
  readonly onRefused: (packet: RefusedPacket) => void;
}

/** PUBACK, MQTT 3.1.1 §3.4 / MQTT 5 §3.4 (the short form: remaining length 2, reason "success"). */
function puback(packetId: number): Buffer {
  return Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]);
}

class GuardedStream extends Duplex {
  private readonly guard: PacketSizeGuard;

  constructor(
    private readonly inner: Duplex,
    private readonly limit: IncomingPacketLimit,
  ) {
    super({ allowHalfOpen: false });
    this.guard = new PacketSizeGuard(limit.maxPacketBytes);
    inner.on("data", (chunk: Buffer) => this.incoming(chunk));
    inner.on("end", () => this.push(null));
    inner.on("error", (error) => this.destroy(error));
    inner.on("close", () => this.destroy());
  }

  private incoming(chunk: Buffer): void {
    const result = this.guard.push(chunk);
    let more = true;
    for (const piece of result.pass) more = this.push(piece) && more;
    if (!more) this.inner.pause();
    for (const refused of result.refused) {
      if (refused.packetId !== undefined && this.writable) this.write(puback(refused.packetId));
      this.limit.onRefused(refused);
    }
    if (result.fatal !== undefined)
      this.destroy(
        new AgentError<MqttErrorCode>("MQTT_TOO_LARGE", `broker connection dropped: ${result.fatal}`, {
          details: { limit: this.limit.maxPacketBytes },
        }),
      );
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.inner.write(chunk, encoding, callback);
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.inner.cork();
    chunks.forEach(({ chunk }, i) => {
      if (i === chunks.length - 1) this.inner.write(chunk, callback);
      else this.inner.write(chunk);
    });
    this.inner.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }
}

export function guardIncomingPackets(inner: Duplex, limit: IncomingPacketLimit): Duplex {
  return new GuardedStream(inner, limit);
}
