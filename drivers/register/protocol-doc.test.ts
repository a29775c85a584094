import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { crc16, crcHex } from "./crc16.js";
import { decodeLine } from "./frame-codec.js";
import { FAILURE_REASONS, REGISTER_ERROR_CODES, SALE_STATES } from "./messages.js";
import { isSeq } from "./protocol.js";
import { validateAgentMessage } from "./validate-agent.js";
import { validateRegisterMessage } from "./validate-register.js";

/**
 * docs/register-protocol.md is what register vendors implement from: its transcripts, CRC
 * example, reference implementations and code tables must stay true to the code.
 */

const DOC = readFileSync(new URL("../../docs/register-protocol.md", import.meta.url), "utf8");
const encoder = new TextEncoder();

function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}`);
  const end = DOC.indexOf("\n## ", start + 4);
  if (start < 0) throw new Error(`no section ${title}`);
  return DOC.slice(start, end < 0 ? undefined : end);
}

function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1] ?? "");
}

const FRAME_LINE = /^(R→A|A→R) (.*\*[0-9A-Fa-f]{4})(?: {3}◂ .*)?$/;

describe("docs/register-protocol.md", () => {
  const transcripts = blocks(section("8. Transcripts"), "text");

  it("has the six required transcripts, one of faults, one of member prices, one of totals, one of a refund from another till and two of paying without the till's QR, one of a hold and one of split tender", () => {
    expect(transcripts).toHaveLength(14);
  });

  it.each(transcripts.map((t, i) => [i + 1, t] as const))(
    "transcript 8.%i: every frame decodes with a right CRC and is valid",
    (_n, transcript) => {
      const sent = { "R→A": new Set<number>(), "A→R": new Set<number>() };
      const lines = transcript.split("\n").filter((l) => l.startsWith("R→A") || l.startsWith("A→R"));
      expect(lines.length).toBeGreaterThanOrEqual(4);
      let expectNak: { from: string; seq: number | null } | undefined;
      // A frame the validators refuse must be answered by a refusing ack with the same code.
      let expectRefusal: { seq: number; code: string } | undefined;
      for (const line of lines) {
        const match = FRAME_LINE.exec(line);
        expect(match, line).not.toBeNull();
        const from = (match?.[1] ?? "") as "R→A" | "A→R";
        const decoded = decodeLine(encoder.encode(match?.[2] ?? ""));
        if (expectNak !== undefined) {
          // The frame right after a damaged one is the receiver's nak.
          expect(from, line).not.toBe(expectNak.from);
          expect(decoded).toMatchObject({
            kind: "frame",
            value: { v: 1, type: "nak", ack: expectNak.seq, code: "BAD_CRC" },
          });
          expectNak = undefined;
          continue;
        }
        if (decoded.kind === "damaged") {
          // Only on purpose: the fault transcript shows a damaged frame, annotated as such.
          expect(decoded.code, line).toBe("BAD_CRC");
          expect(line).toMatch(/CRC no longer matches/);
          expectNak = { from, seq: decoded.seq };
          continue;
        }
        const value = decoded.value;
        expect(value.v, line).toBe(1);
        if (value.type === "ack" || value.type === "nak") {
          const other = from === "R→A" ? sent["A→R"] : sent["R→A"];
          expect(other.has(value.ack as number), `${line}: acks a seq the other side sent`).toBe(true);
          if (value.error !== undefined)
            expect(REGISTER_ERROR_CODES).toContain((value.error as { code: string }).code);
          if (expectRefusal !== undefined && value.ack === expectRefusal.seq) {
            expect((value.error as { code?: string } | undefined)?.code, line).toBe(expectRefusal.code);
            expectRefusal = undefined;
          }
          continue;
        }
        expect(isSeq(value.seq), line).toBe(true);
        if (value.type === "hello") sent[from].clear();
        sent[from].add(value.seq as number);
        const checked = from === "R→A" ? validateRegisterMessage(value) : validateAgentMessage(value);
        if (!checked.ok) expectRefusal = { seq: value.seq as number, code: checked.code };
        else expect(checked, line).toMatchObject({ ok: true });
      }
      expect(expectNak).toBeUndefined();
      expect(expectRefusal).toBeUndefined();
    },
  );

  it("works the CRC example byte by byte, correctly", () => {
    const crcSection = section("2. Frames");
    expect(crcSection).toContain("**0x29B1**");
    expect(crcHex(crc16(encoder.encode("123456789")))).toBe("29B1");
    const rows = [...crcSection.matchAll(/^\| (\d+) \| `(.)` \| ([0-9A-F]{2}) \| ([0-9A-F]{4}) \|$/gm)];
    const json = '{"v":1,"type":"ack","ack":12}';
    expect(rows).toHaveLength(json.length);
    let crc = 0xffff;
    rows.forEach((row, i) => {
      const byte = json.charCodeAt(i);
      expect(row[2]).toBe(json[i]);
      expect(parseInt(row[3] ?? "", 16)).toBe(byte);
      crc = crc16(new Uint8Array([byte]), 0, 1, crc);
      expect(row[4]).toBe(crcHex(crc));
    });
    expect(crcSection).toContain(`${json}*${crcHex(crc)}\\r\\n`);
  });

  it("gives a C reference implementation that compiles and computes the right CRCs", () => {
    const [source] = blocks(section("2. Frames"), "c");
    expect(source).toBeDefined();
    const dir = tempDir("crc-c-");
    try {
      writeFileSync(join(dir.path, "crc.c"), source ?? "");
      execFileSync("cc", [
        "-std=c99",
        "-Wall",
        "-Werror",
        "-o",
        join(dir.path, "crc"),
        join(dir.path, "crc.c"),
      ]);
      const output = execFileSync(join(dir.path, "crc"), { encoding: "latin1" });
      expect(output).toBe('29B1\n{"v":1,"type":"ack","ack":12}*0560\r\n');
    } finally {
      dir.cleanup();
    }
  });

  it("gives a Python reference implementation that computes, encodes and decodes right", () => {
    const [source] = blocks(section("2. Frames"), "python");
    const output = execFileSync("python3", ["-c", source ?? ""], { encoding: "utf8" });
    expect(output.split("\n").slice(0, 3)).toEqual([
      "29B1",
      '{"v":1,"type":"ack","ack":12}*0560',
      "{'v': 1, 'type': 'ack', 'ack': 12}",
    ]);
  });

  it("documents every error code, failure reason and sale state the code knows", () => {
    const codes = section("6. Error codes");
    for (const code of [...REGISTER_ERROR_CODES, "BAD_CRC", "BAD_FRAME"])
      expect(codes).toContain(`| \`${code}\``);
    const sales = section("7. Sales: states and rules");
    for (const reason of FAILURE_REASONS) expect(sales).toContain(`| \`${reason}\``);
    for (const state of SALE_STATES) expect(sales).toContain(`| \`${state}\``);
  });
});
