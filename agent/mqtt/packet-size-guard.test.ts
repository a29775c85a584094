import fc from "fast-check";
import mqttPacket, { type Packet } from "mqtt-packet";
import { describe, expect, it } from "vitest";
import { PacketSizeGuard, type RefusedPacket } from "./packet-size-guard.js";

/** The guard against packets as mqtt.js's own encoder (mqtt-packet) writes them. */
const LIMIT = 300;

interface Spec {
  readonly kind: "publish" | "pingresp" | "suback";
  readonly qos: 0 | 1;
  readonly topic: string;
  readonly payloadBytes: number;
  readonly messageId: number;
}

function encode(spec: Spec, protocolVersion: 4 | 5): Buffer {
  const packet: Packet =
    spec.kind === "publish"
      ? {
          cmd: "publish",
          qos: spec.qos,
          dup: false,
          retain: false,
          topic: spec.topic,
          payload: Buffer.alloc(spec.payloadBytes, 0x61),
          ...(spec.qos === 1 ? { messageId: spec.messageId } : {}),
          ...(protocolVersion === 5 ? { properties: { messageExpiryInterval: 900 } } : {}),
        }
      : spec.kind === "suback"
        ? { cmd: "suback", messageId: spec.messageId, granted: [1] }
        : { cmd: "pingresp" };
  return mqttPacket.generate(packet, { protocolVersion });
}

/** Feeds `bytes` in pieces of the given sizes (cycled). */
function feed(guard: PacketSizeGuard, bytes: Buffer, sizes: readonly number[]) {
  const pass: Buffer[] = [];
  const refused: RefusedPacket[] = [];
  let fatal: string | undefined;
  for (let at = 0, k = 0; at < bytes.length && fatal === undefined; k++) {
    const n = Math.max(1, sizes[k % sizes.length] ?? 1);
    const result = guard.push(bytes.subarray(at, at + n));
    pass.push(...result.pass);
    refused.push(...result.refused);
    fatal = result.fatal;
    at += n;
  }
  return { pass: Buffer.concat(pass), refused, fatal };
}

const spec = fc.record({
  kind: fc.constantFrom("publish", "publish", "publish", "pingresp", "suback"),
  qos: fc.constantFrom(0, 1),
  topic: fc.string({ minLength: 1, maxLength: 40 }),
  payloadBytes: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 250, max: 5_000 })),
  messageId: fc.integer({ min: 1, max: 65_535 }),
}) as fc.Arbitrary<Spec>;

describe("PacketSizeGuard", () => {
  for (const protocolVersion of [4, 5] as const) {
    it(`passes every packet within the limit byte for byte and skips every larger PUBLISH (MQTT ${protocolVersion === 5 ? "5" : "3.1.1"}), however the bytes are split`, () => {
      fc.assert(
        fc.property(
          fc.array(spec, { maxLength: 12 }),
          fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
          (specs, sizes) => {
            const packets = specs.map((s) => ({ spec: s, bytes: encode(s, protocolVersion) }));
            const result = feed(
              new PacketSizeGuard(LIMIT),
              Buffer.concat(packets.map((p) => p.bytes)),
              sizes,
            );
            expect(result.fatal).toBeUndefined();
            expect(
              result.pass.equals(
                Buffer.concat(packets.filter((p) => p.bytes.length <= LIMIT).map((p) => p.bytes)),
              ),
            ).toBe(true);
            expect(result.refused).toEqual(
              packets
                .filter((p) => p.bytes.length > LIMIT)
                .map((p) => ({
                  bytes: p.bytes.length,
                  qos: p.spec.qos,
                  ...(p.spec.qos === 1 ? { packetId: p.spec.messageId } : {}),
                })),
            );
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it("keeps none of a skipped packet: a 100 MB PUBLISH goes by in slices that are never handed on", () => {
    const guard = new PacketSizeGuard(2 * 1024 * 1024);
    // A PUBLISH (QoS 1, topic "t/x", id 7) announcing a 100 MB payload, which then streams past.
    const big = 100 * 1024 * 1024;
    const lengthBytes: number[] = [];
    for (let rest = 2 + 3 + 2 + big; ;) {
      const b = rest % 128;
      rest = Math.floor(rest / 128);
      lengthBytes.push(rest > 0 ? b | 0x80 : b);
      if (rest === 0) break;
    }
    const start = Buffer.from([0x32, ...lengthBytes, 0, 3, 0x74, 0x2f, 0x78, 0, 7]);
    expect(guard.push(start)).toEqual({ pass: [], refused: [] });
    const slice = Buffer.alloc(64 * 1024);
    let passed = 0;
    const refused: RefusedPacket[] = [];
    for (let sent = 0; sent < big; sent += slice.length) {
      const result = guard.push(slice.subarray(0, Math.min(slice.length, big - sent)));
      passed += result.pass.length;
      refused.push(...result.refused);
    }
    expect(passed).toBe(0);
    expect(refused).toEqual([{ bytes: start.length - 7 + 2 + 3 + 2 + big, qos: 1, packetId: 7 }]);
    // …and the next packet passes again.
    const ping = encode({ kind: "pingresp", qos: 0, topic: "", payloadBytes: 0, messageId: 1 }, 4);
    expect(Buffer.concat(guard.push(ping).pass).equals(ping)).toBe(true);
  });

  it("drops the connection for an oversized packet it cannot skip, and for a malformed length", () => {
    const suback = encode({ kind: "suback", qos: 0, topic: "", payloadBytes: 0, messageId: 1 }, 4);
    expect(new PacketSizeGuard(4).push(suback).fatal).toMatch(/type 9/);
    const qos2 = mqttPacket.generate(
      {
        cmd: "publish",
        qos: 2,
        dup: false,
        retain: false,
        topic: "t",
        messageId: 1,
        payload: Buffer.alloc(50),
      },
      { protocolVersion: 4 },
    );
    expect(new PacketSizeGuard(20).push(qos2).fatal).toMatch(/QoS 2/);
    expect(new PacketSizeGuard(20).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])).fatal).toMatch(
      /malformed/,
    );
  });
});
