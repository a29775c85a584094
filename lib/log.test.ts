import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, maskPhone } from "./log.js";

function capture(): { lines: () => Record<string, unknown>[]; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString("utf8"));
      cb();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join("")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe("createLogger", () => {
  it("redacts secrets, tokens and phone numbers at any of the first three levels", () => {
    const out = capture();
    const log = createLogger({ destination: out.stream, level: "info" });
    log.info(
      {
        clientSecret: "s3cr3t",
        customerToken: "tok",
        req: {
          headers: { authorization: "Bearer abc", "Ocp-Apim-Subscription-Key": "key" },
          msisdn: "4712345678",
        },
        reference: "kasse1-42",
      },
      "call",
    );
    const text = JSON.stringify(out.lines());
    for (const secret of ["s3cr3t", 'tok"', "Bearer abc", '"key"', "4712345678"])
      expect(text).not.toContain(secret);
    expect(text).toContain("kasse1-42");
    expect(out.lines()[0]?.level).toBe("info");
  });

  it("masks phone numbers for operator messages", () => {
    expect(maskPhone("4712345678")).toBe("********78");
  });
});
