/**
 * Reads the packet boundaries in the bytes a broker sends (MQTT 3.1.1 §2.2 / MQTT 5 §2.1: a type
 * byte, then the remaining length as 1–4 bytes of 7 bits) and keeps packets larger than `limit`
 * away from the MQTT parser, which would otherwise buffer all of one before looking at it (three
 * 200 MB messages took a till from 138 to 542 MB). Pure: bytes in, what to pass on and what was
 * refused out.
 *
 * An oversized PUBLISH is skipped as it streams past — only its topic length and packet id are
 * read, nothing of it is kept — and reported once its last byte went by, so the caller can
 * acknowledge it (QoS 1) and the broker does not send it again on every reconnect. Any other
 * oversized packet, a QoS 2 one, or a malformed length is fatal: the caller drops the connection.
 *
 * MQTT 5 brokers already refuse to send a till more than the Maximum Packet Size its CONNECT
 * announced; MQTT 3.1.1 has no such field, so this is what bounds a till's memory there.
 */
export interface RefusedPacket {
  /** The whole packet's size as announced by its header, bytes. */
  readonly bytes: number;
  readonly qos: 0 | 1;
  /** For QoS 1: the id to acknowledge. */
  readonly packetId?: number;
}

export interface GuardResult {
  /** Slices of the input to hand on, in order (views, not copies, except fixed headers). */
  readonly pass: Buffer[];
  /** Oversized PUBLISH packets whose last byte was in this input. */
  readonly refused: RefusedPacket[];
  /** Set when the stream cannot continue; the caller must drop the connection. */
  readonly fatal?: string;
}

const PUBLISH = 3;

type State =
  | { readonly kind: "header"; readonly bytes: number[] }
  | { readonly kind: "pass"; remaining: number }
  | {
      readonly kind: "skip";
      readonly total: number;
      readonly qos: 0 | 1;
      remaining: number;
      /** What is read of the variable header: the topic length, then (QoS 1) the packet id. */
      step: "topic-length" | "topic" | "packet-id" | "payload";
      field: number[];
      topicLeft: number;
      packetId?: number;
    };

export class PacketSizeGuard {
  private state: State = { kind: "header", bytes: [] };

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): GuardResult {
    const pass: Buffer[] = [];
    const refused: RefusedPacket[] = [];
    let i = 0;
    while (i < chunk.length) {
      const state = this.state;
      switch (state.kind) {
        case "header": {
          const byte = chunk[i++] as number;
          state.bytes.push(byte);
          if (state.bytes.length === 1 || (byte & 0x80) !== 0) {
            if (state.bytes.length === 5)
              return { pass, refused, fatal: "malformed packet length from the broker" };
            break;
          }
          const header = state.bytes;
          let remaining = 0;
          for (let k = header.length - 1; k >= 1; k--)
            remaining = remaining * 128 + ((header[k] as number) & 0x7f);
          const total = header.length + remaining;
          if (total <= this.limit) {
            pass.push(Buffer.from(header));
            this.state = remaining === 0 ? { kind: "header", bytes: [] } : { kind: "pass", remaining };
            break;
          }
          const type = (header[0] as number) >> 4;
          const qos = ((header[0] as number) >> 1) & 3;
          if (type !== PUBLISH || qos > 1)
            return {
              pass,
              refused,
              fatal: `a packet of ${total} bytes (type ${type}, QoS ${qos}) over the limit of ${this.limit}`,
            };
          this.state = {
            kind: "skip",
            total,
            qos: qos as 0 | 1,
            remaining,
            step: "topic-length",
            field: [],
            topicLeft: 0,
          };
          break;
        }
        case "pass": {
          const n = Math.min(state.remaining, chunk.length - i);
          pass.push(chunk.subarray(i, i + n));
          i += n;
          state.remaining -= n;
          if (state.remaining === 0) this.state = { kind: "header", bytes: [] };
          break;
        }
        case "skip": {
          i += this.skip(state, chunk, i);
          if (state.remaining > 0) break;
          if (state.qos === 1 && state.packetId === undefined)
            return { pass, refused, fatal: "an oversized PUBLISH without a packet id" };
          refused.push({
            bytes: state.total,
            qos: state.qos,
            ...(state.packetId === undefined ? {} : { packetId: state.packetId }),
          });
          this.state = { kind: "header", bytes: [] };
          break;
        }
      }
    }
    return { pass, refused };
  }

  /** Consumes bytes of an oversized PUBLISH from `chunk[at]` on; returns how many. */
  private skip(state: Extract<State, { kind: "skip" }>, chunk: Buffer, at: number): number {
    let i = at;
    while (i < chunk.length && state.remaining > 0) {
      switch (state.step) {
        case "topic-length":
        case "packet-id": {
          state.field.push(chunk[i++] as number);
          state.remaining -= 1;
          if (state.field.length < 2) break;
          const value = ((state.field[0] as number) << 8) | (state.field[1] as number);
          state.field = [];
          if (state.step === "topic-length") {
            state.topicLeft = value;
            state.step = value > 0 ? "topic" : state.qos === 1 ? "packet-id" : "payload";
          } else {
            state.packetId = value;
            state.step = "payload";
          }
          break;
        }
        case "topic": {
          const n = Math.min(state.topicLeft, state.remaining, chunk.length - i);
          i += n;
          state.remaining -= n;
          state.topicLeft -= n;
          if (state.topicLeft === 0) state.step = state.qos === 1 ? "packet-id" : "payload";
          break;
        }
        case "payload": {
          const n = Math.min(state.remaining, chunk.length - i);
          i += n;
          state.remaining -= n;
          break;
        }
      }
    }
    return i - at;
  }
}
