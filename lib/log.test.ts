import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AgentError } from "./errors.js";
import { createLogger, maskPhone, redacted } from "./log.js";

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

  it("redacts deeper down, in arrays, in an error's own fields and in a child's bindings, leaving the caller's object alone", () => {
    const out = capture();
    const log = createLogger({ destination: out.stream, level: "info" }).child({ customerToken: "bound" });
    const logged = {
      a: { b: { c: { d: { password: "deep" } } } },
      list: [{ msisdn: "4798765432" }, "plain"],
      err: new AgentError("X", "failed", { details: { loginHint: "4711111111", reference: "r-1" } }),
    };
    log.warn(logged, "nested");
    const text = JSON.stringify(out.lines());
    for (const secret of ["bound", "deep", "4798765432", "4711111111"]) expect(text).not.toContain(secret);
    expect(text).toContain("r-1");
    expect(text).toContain("plain");
    expect(out.lines()[0]?.err).toMatchObject({ type: "AgentError", message: "failed" });
    expect(logged.a.b.c.d.password).toBe("deep");
    expect(logged.list[0]).toEqual({ msisdn: "4798765432" });
  });

  it("does not print an object nested deeper than it checks (a cycle, or a secret far down)", () => {
    const cyclic: Record<string, unknown> = { saleId: "S1" };
    cyclic.self = cyclic;
    const deep = {
      a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { msisdn: "4798765432" } } } } } } } } } },
    };
    const text = JSON.stringify([redacted(cyclic), redacted(deep)]);
    expect(text).toContain("[too deep]");
    expect(text).not.toContain("4798765432");
  });

  it("hands back an object without sensitive keys as it is (no copy per log line)", () => {
    const line = { saleId: "S1", amounts: [1, 2], nested: { reference: "kasse1-1" } };
    expect(redacted(line)).toBe(line);
  });

  it("masks phone numbers for operator messages", () => {
    expect(maskPhone("4712345678")).toBe("********78");
  });
});
