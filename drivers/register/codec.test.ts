import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc16, crcHex } from "./crc16.js";
import { decodeLine, encodeFrame, FrameReader, frameText, type DecodedLine } from "./frame-codec.js";
import { MAX_FRAME_BYTES } from "./protocol.js";

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

/** The textbook bit-by-bit CRC-16/CCITT-FALSE, independent of the table-driven one. */
function referenceCrc(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function readAll(chunks: readonly Uint8Array[], reader = new FrameReader()): DecodedLine[] {
  const lines: DecodedLine[] = [];
  for (const chunk of chunks) reader.push(chunk, (line) => lines.push(line));
  return lines;
}

describe("CRC-16/CCITT-FALSE", () => {
  it("has the check value 29B1", () => {
    expect(crc16(ascii("123456789"))).toBe(0x29b1);
    expect(crcHex(crc16(ascii("123456789")))).toBe("29B1");
  });

  it("matches golden values (computed independently with Python's binascii.crc_hqx)", () => {
    expect(crcHex(crc16(ascii('{"v":1,"type":"ack","ack":12}')))).toBe("0560");
    expect(crcHex(crc16(ascii('{"v":1,"seq":2,"type":"pay","saleId":"S-1001","total":4900}')))).toBe("F1DE");
    expect(crcHex(crc16(new Uint8Array()))).toBe("FFFF");
  });

  it("agrees with the bit-by-bit definition on any bytes, also when continued in pieces", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
        const at = bytes.length === 0 ? 0 : cut % bytes.length;
        expect(crc16(bytes)).toBe(referenceCrc(bytes));
        expect(crc16(bytes, at, bytes.length, crc16(bytes, 0, at))).toBe(referenceCrc(bytes));
      }),
    );
  });
});

describe("encodeFrame / decodeLine", () => {
  it("encodes a golden frame byte for byte", () => {
    expect(text(encodeFrame({ v: 1, type: "ack", ack: 12 }))).toBe('{"v":1,"type":"ack","ack":12}*0560\r\n');
    expect(frameText({ v: 1, seq: 2, type: "pay", saleId: "S-1001", total: 4900 })).toBe(
      '{"v":1,"seq":2,"type":"pay","saleId":"S-1001","total":4900}*F1DE',
    );
  });

  it("escapes CR and LF inside strings, so a frame is always one line", () => {
    const bytes = encodeFrame({ v: 1, note: "a\r\nb" });
    expect(bytes.indexOf(0x0a)).toBe(bytes.length - 1);
    expect(bytes.indexOf(0x0d)).toBe(bytes.length - 2);
  });

  it("decodes with CRLF or LF alone, and accepts a lower-case CRC", () => {
    expect(decodeLine(ascii('{"v":1,"type":"ack","ack":12}*0560\r'))).toEqual({
      kind: "frame",
      value: { v: 1, type: "ack", ack: 12 },
    });
    expect(decodeLine(ascii('{"v":1,"type":"ack","ack":12}*0560'))).toEqual({
      kind: "frame",
      value: { v: 1, type: "ack", ack: 12 },
    });
    expect(decodeLine(ascii('{"v":1,"seq":2,"type":"pay","saleId":"S-1001","total":4900}*f1de')).kind).toBe(
      "frame",
    );
  });

  it("takes the LAST `*` as the separator, so `*` may appear inside the JSON", () => {
    const line = frameText({ v: 1, seq: 5, type: "basket", name: "2*Kaffe*" });
    expect(decodeLine(ascii(line))).toEqual({
      kind: "frame",
      value: { v: 1, seq: 5, type: "basket", name: "2*Kaffe*" },
    });
  });

  it.each([
    ["a wrong CRC", '{"v":1,"seq":7,"type":"ping"}*0000', "BAD_CRC", 7],
    ["no separator", '{"v":1,"seq":7,"type":"ping"}', "BAD_FRAME", 7],
    ["a short CRC", '{"v":1,"seq":7,"type":"ping"}*12', "BAD_FRAME", 7],
    ["a CRC that is not hex", '{"v":1,"seq":7,"type":"ping"}*12G4', "BAD_FRAME", 7],
    ["trailing bytes after the CRC", `${frameText({ v: 1, seq: 7 })} `, "BAD_FRAME", 7],
  ] as const)("naks %s", (_what, line, code, seq) => {
    expect(decodeLine(ascii(line))).toMatchObject({ kind: "damaged", code, seq });
  });

  it.each([
    ["an array", "[1,2]"],
    ["a number", "42"],
    ["null", "null"],
    ["broken JSON", '{"v":1,'],
  ])("naks %s with a right CRC as BAD_FRAME", (_what, json) => {
    expect(decodeLine(ascii(`${json}*${crcHex(crc16(ascii(json)))}`))).toMatchObject({
      kind: "damaged",
      code: "BAD_FRAME",
    });
  });

  it("naks bytes that are not UTF-8 even with a right CRC", () => {
    const json = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]);
    const line = new Uint8Array([...json, 0x2a, ...ascii(crcHex(crc16(json)))]);
    expect(decodeLine(line)).toMatchObject({ kind: "damaged", code: "BAD_FRAME" });
  });
});

describe("FrameReader", () => {
  const frames = [
    { v: 1, seq: 1, type: "hello", protocol: 1, role: "register", id: "R1", software: "pos/1" },
    { v: 1, type: "ack", ack: 1 },
    { v: 1, seq: 2, type: "basket", saleId: "S-1", note: "æøå €" },
  ];
  const stream = Buffer.concat(frames.map((f) => encodeFrame(f)));

  it("reassembles frames split anywhere, in order", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 20 }), (cuts) => {
        const points = [0, ...[...new Set(cuts)].sort((x, y) => x - y), stream.length];
        const chunks = points.slice(1).map((end, i) => stream.subarray(points[i], end));
        expect(readAll(chunks)).toEqual(frames.map((value) => ({ kind: "frame", value })));
      }),
    );
  });

  it("ignores empty lines", () => {
    expect(readAll([ascii("\n\r\n\n"), encodeFrame({ v: 1 })])).toEqual([{ kind: "frame", value: { v: 1 } }]);
  });

  it("accepts a frame of exactly 65536 bytes and discards one of 65537, then reads on", () => {
    const sized = (bytes: number): Uint8Array => {
      const frame = encodeFrame({ v: 1, pad: "" });
      return encodeFrame({ v: 1, pad: "x".repeat(bytes - frame.length) });
    };
    expect(sized(MAX_FRAME_BYTES).length).toBe(MAX_FRAME_BYTES);
    const reader = new FrameReader();
    const lines = readAll(
      [sized(MAX_FRAME_BYTES), sized(MAX_FRAME_BYTES + 1), encodeFrame({ v: 1, ok: true })],
      reader,
    );
    expect(lines.map((l) => l.kind)).toEqual(["frame", "damaged", "frame"]);
    expect(lines[1]).toMatchObject({ code: "BAD_FRAME", seq: null, oversized: true });
    expect(reader.oversized).toBe(1);
  });

  it("keeps memory bounded on a megabyte without a newline, then naks it once at the LF", () => {
    const reader = new FrameReader();
    const lines: DecodedLine[] = [];
    const junk = new Uint8Array(64 * 1024).fill(0x41);
    for (let i = 0; i < 16; i++) {
      reader.push(junk, (l) => lines.push(l));
      expect(reader.buffered).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    }
    expect(lines).toEqual([]);
    reader.push(ascii("\n"), (l) => lines.push(l));
    reader.push(encodeFrame({ v: 1, seq: 9 }), (l) => lines.push(l));
    expect(lines.map((l) => (l.kind === "damaged" ? l.code : l.kind))).toEqual(["BAD_FRAME", "frame"]);
  });

  it("never throws and never holds more than a frame, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20_000 }), { maxLength: 12 }), (chunks) => {
        const reader = new FrameReader();
        for (const chunk of chunks) {
          reader.push(chunk, () => undefined);
          expect(reader.buffered).toBeLessThan(MAX_FRAME_BYTES);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("never accepts a frame whose bytes changed: every single-bit flip of a frame", () => {
    const original = { v: 1, seq: 42, type: "pay", saleId: "S-1001", total: 4900 };
    const bytes = encodeFrame(original);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const damaged = bytes.slice();
      damaged[bit >> 3] = (damaged[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      for (const line of readAll([damaged, ascii("\n")])) {
        // The only flips that still decode are those that change nothing the CRC covers
        // (e.g. the case of a CRC letter): the content must be the original.
        if (line.kind === "frame") expect(line.value).toEqual(original);
      }
    }
  });

  it("never accepts a frame with up to 3 flipped bits or a burst of up to 16 bits in its JSON", () => {
    const jsonObject = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 8 }),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 6 },
    );
    fc.assert(
      fc.property(
        jsonObject,
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.nat(),
        (value, positions, burst, start) => {
          const bytes = encodeFrame(value);
          const jsonBits = (bytes.length - 7) * 8;
          const damaged = bytes.slice();
          const flips = burst
            ? Array.from({ length: 1 + (start % 16) }, (_, i) => ((start >> 4) % jsonBits) + i).filter(
                (b) => b < jsonBits,
              )
            : [...new Set(positions.map((p) => p % jsonBits))];
          if (flips.length === 0) return;
          for (const bit of flips) damaged[bit >> 3] = (damaged[bit >> 3] ?? 0) ^ (1 << (bit & 7));
          const same = Buffer.compare(Buffer.from(damaged), Buffer.from(bytes)) === 0;
          for (const line of readAll([damaged])) {
            if (line.kind === "frame") {
              expect(same).toBe(true);
              expect(line.value).toEqual(JSON.parse(JSON.stringify(value)));
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("round-trips any JSON object, and truncated frames are naked, never accepted", () => {
    const jsonObject = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), {
      maxKeys: 8,
    });
    fc.assert(
      fc.property(jsonObject, fc.nat(), (value, cut) => {
        const bytes = encodeFrame(value);
        const expected = JSON.parse(JSON.stringify(value)) as unknown;
        expect(readAll([bytes])).toEqual([{ kind: "frame", value: expected }]);
        const keep = cut % (bytes.length - 2);
        const lines = readAll([bytes.subarray(0, keep), ascii("\n"), bytes]);
        const last = lines.pop();
        expect(last).toEqual({ kind: "frame", value: expected });
        for (const line of lines) expect(line.kind).toBe("damaged");
      }),
      { numRuns: 500 },
    );
  });
});
