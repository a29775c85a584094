import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, silentLogger } from "../../lib/log.js";
import { createPtyPair, type PtyPair } from "../../test/helpers/pty-pair.js";
import { testSerial } from "../../test/helpers/register-rig.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { encodeFrame, FrameReader } from "./frame-codec.js";
import { createRegisterLink, type RegisterLink } from "./register-link.js";
import type { LinkTransport } from "./transport.js";

/**
 * A hostile (or broken) register on a real pty that answers every hello with a new session and
 * says hello again as soon as it is acked: the link restarts its hello exchange as fast as the
 * cable allows. The agent's log, at trace level, must stay readable: a few lines of each kind
 * per window, and how many were left out.
 */

const STORM_MS = 1_500;

function hostileRegister(transport: LinkTransport): { hellos: () => number } {
  let hellos = 0;
  const reader = new FrameReader();
  const write = (frame: Record<string, unknown>): void =>
    void transport.write(encodeFrame(frame)).catch(() => undefined);
  const hello = (): void => {
    hellos++;
    write({
      v: 1,
      seq: 1,
      type: "hello",
      protocol: 1,
      role: "register",
      id: "STORM",
      software: "storm/1",
      session: `s${hellos}`,
    });
  };
  transport.start({
    onOpen: () => undefined,
    onClose: () => undefined,
    onData: (chunk) =>
      reader.push(chunk, (line) => {
        if (line.kind !== "frame") return;
        const frame = line.value;
        if (frame.type === "hello") {
          write({ v: 1, type: "ack", ack: frame.seq });
          hello();
        } else if (frame.type === "ack" && frame.ack === 1) {
          hello();
        }
      }),
  });
  return { hellos: () => hellos };
}

let dir: ReturnType<typeof tempDir>;
let pair: PtyPair;
let agent: RegisterLink | undefined;
let register: LinkTransport | undefined;

beforeEach(async () => {
  dir = tempDir("hello-storm-");
  pair = await createPtyPair({ a: join(dir.path, "agent"), b: join(dir.path, "register") });
});
afterEach(async () => {
  await agent?.stop();
  await register?.stop();
  await pair.close();
  dir.cleanup();
});

describe("a register that restarts the hello exchange without end (real pty)", () => {
  it("is logged a few lines per kind, then once with how many were suppressed", async () => {
    const lines: { msg: string; suppressed?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString("utf8").split("\n"))
          if (text !== "") lines.push(JSON.parse(text) as { msg: string; suppressed?: number });
        done();
      },
    });
    const logger = createLogger({ level: "trace", destination: sink });
    agent = createRegisterLink({
      transport: testSerial(pair.a, silentLogger()),
      logger,
      tillId: "kasse1",
      software: "test/1",
      ackTimeoutMs: 1000,
      maxRetransmits: 3,
      heartbeatIntervalMs: 0,
      handler: () => ({ ok: true }),
    });
    register = testSerial(pair.b, silentLogger());
    const storm = hostileRegister(register);
    let hellosIn = 0;
    agent.onTraffic((event) => {
      if ("frame" in event && event.direction === "in" && event.frame.type === "hello") hellosIn++;
    });
    agent.start();
    await new Promise((resolve) => setTimeout(resolve, STORM_MS));
    await agent.stop();
    agent = undefined;
    await new Promise((resolve) => setImmediate(resolve));

    // The storm was real: hundreds of restarts in 1.5 s.
    expect(storm.hellos()).toBeGreaterThan(100);
    const kinds = new Map<string, { logged: number; suppressed: number }>();
    for (const line of lines) {
      const kind = line.msg.replace(/: \d+ more suppressed in \d+ s$/, "");
      const k = kinds.get(kind) ?? { logged: 0, suppressed: 0 };
      if (line.suppressed === undefined) k.logged++;
      else k.suppressed += line.suppressed;
      kinds.set(kind, k);
    }
    // At most 5 lines of a kind in the window, plus the line that counts the rest.
    expect(lines.length).toBeLessThanOrEqual(kinds.size * 6);
    for (const [kind, k] of kinds) expect({ kind, logged: k.logged <= 5 }).toEqual({ kind, logged: true });
    // Every hello the agent read is accounted for: logged, or counted as suppressed.
    const hellos = kinds.get("hello from the peer");
    expect((hellos?.logged ?? 0) + (hellos?.suppressed ?? 0)).toBe(hellosIn);
  });
});
