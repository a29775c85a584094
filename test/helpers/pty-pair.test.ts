import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSerialTransport, type LinkTransport } from "../../drivers/register/index.js";
import { createPtyPair, type PtyPair } from "./pty-pair.js";
import { tempDir } from "./temp-dir.js";

let dir: ReturnType<typeof tempDir>;
let pair: PtyPair | undefined;
const transports: LinkTransport[] = [];
beforeEach(() => {
  dir = tempDir("pty-pair-");
});
afterEach(async () => {
  for (const t of transports.splice(0)) await t.stop();
  await pair?.close();
  dir.cleanup();
});

/** Opens both ends, sends `text` from a to b, and returns what b received. */
async function roundTrip(a: string, b: string, text: string): Promise<string> {
  let got = "";
  let open = 0;
  const end = (path: string, onData: (chunk: Uint8Array) => void): LinkTransport => {
    const t = createSerialTransport({ path, baudRate: 115200, reopenMinMs: 50, reopenMaxMs: 200 });
    transports.push(t);
    t.start({ onOpen: () => open++, onClose: () => undefined, onData });
    return t;
  };
  const from = end(a, () => undefined);
  end(b, (chunk) => (got += Buffer.from(chunk).toString("latin1")));
  await vi.waitFor(() => expect(open).toBe(2), { timeout: 10_000 });
  await from.write(new TextEncoder().encode(text));
  await vi.waitFor(() => expect(got).toBe(text), { timeout: 10_000 });
  for (const t of transports.splice(0)) await t.stop();
  return got;
}

describe("createPtyPair", () => {
  it("connects two paths, unplugs (the paths vanish) and replugs at the same paths", async () => {
    pair = await createPtyPair({ a: join(dir.path, "a"), b: join(dir.path, "b") });
    expect(await roundTrip(pair.a, pair.b, "ping\n")).toBe("ping\n");
    await pair.unplug();
    expect(pair.plugged).toBe(false);
    expect(existsSync(pair.a) || existsSync(pair.b)).toBe(false);
    await pair.replug();
    expect(pair.plugged).toBe(true);
    expect(await roundTrip(pair.b, pair.a, "pong\n")).toBe("pong\n");
  });
});
