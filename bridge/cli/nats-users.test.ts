import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/cli.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { natsUsersConf } from "../nats-users.js";
import type { CliContext } from "./context.js";
import { runBridgeCli } from "./program.js";

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const ctx: CliContext = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    exitCode: 0,
  };
  const code = await runBridgeCli(["node", "pos-bridge", ...args], ctx);
  return { code, stdout, stderr };
}

/** The users file's rights on a real cluster are tested in test/e2e/nats-cluster.test.ts. */
describe("pos-bridge nats-users", () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());
  const fleet = (name: string, value: unknown): string => {
    const file = join(dir.path, name);
    writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
    return file;
  };

  it("writes one user per till and back office, each with its own subjects, and the bridge", async () => {
    const result = await run([
      "nats-users",
      fleet("ok.json", {
        topicPrefix: "shop/pos",
        bridgePassword: "bridge-password-1",
        tills: [
          { msn: "123456", tillId: "kasse1", password: "$2a$11$abcdefghijklmnopqrstuv" },
          { msn: "654321", tillId: "Till2", password: "till-password-2" },
        ],
        backOffices: [{ msn: "123456", password: "office-password" }],
      }),
    ]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const users = result.stdout;
    expect(users).toContain(
      '{ user: "pos-bridge", password: "bridge-password-1", allowed_connection_types: ["MQTT"],',
    );
    expect(users).toContain(
      'publish: { allow: ["shop.pos.*.*.webhook", "shop.pos.*._unrouted", "shop.pos._unrouted", "shop.pos._bridge.*.status"] }',
    );
    expect(users).toContain('{ user: "till-123456-kasse1", password: "$2a$11$abcdefghijklmnopqrstuv"');
    expect(users).toContain(
      'publish: { allow: ["shop.pos.654321.Till2.status", "shop.pos.654321.Till2.health", "shop.pos.654321.Till2.sales"] }',
    );
    expect(users).toContain(
      'subscribe: { allow: ["shop.pos.654321.Till2.webhook", "shop.pos._bridge.*.status", "$MQTT.sub.>"] }',
    );
    expect(users).toContain(
      'subscribe: { allow: ["shop.pos.123456.*.sales", "shop.pos.123456.*.status", "shop.pos.123456.*.health", "shop.pos.123456._unrouted", "$MQTT.sub.>"] }',
    );
    expect(users.match(/allowed_connection_types: \["MQTT"\]/g)).toHaveLength(4);
  });

  it("lists every problem, writes nothing and exits 78, never echoing a password", async () => {
    const bad = await run([
      "nats-users",
      fleet("bad.json", {
        bridgePassword: "short",
        tills: [
          { msn: "123456", tillId: "kasse-1", password: "till-password-1" },
          { msn: "123456", tillId: "kasse2", password: 'has"quote-in-it' },
          { msn: "123456", tillId: "kasse2", password: "till-password-2" },
        ],
      }),
    ]);
    expect(bad).toMatchObject({ code: 78, stdout: "" });
    expect(bad.stderr.split("\n").slice(1, -1)).toEqual([
      '  pos-bridge: the password must be 8–200 printable ASCII characters without " or \\',
      "  till-123456-kasse-1: expected an MSN of 4–10 digits and a till id of 2–20 of A–Z a–z 0–9",
      '  till-123456-kasse2: the password must be 8–200 printable ASCII characters without " or \\',
      "  till-123456-kasse2: listed twice",
    ]);
    expect(bad.stderr).not.toContain("short");
    expect(await run(["nats-users", fleet("shape.json", { tills: [{ msn: 1 }] })])).toMatchObject({
      code: 78,
      stdout: "",
      stderr: expect.stringContaining("  bridgePassword: ") as unknown,
    });
    expect(await run(["nats-users", fleet("json.txt", "{ not json")])).toMatchObject({
      code: 78,
      stdout: "",
    });
  });

  it("writes the users file docs/mqtt-contract.md shows, byte for byte", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs/mqtt-contract.md"), "utf8");
    const block = /<!-- contract:nats-users -->\n```text\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(
      natsUsersConf({
        bridgePassword: "bridge-password",
        tills: [
          { msn: "123456", tillId: "kasse1", password: "kasse1-password" },
          { msn: "123456", tillId: "kasse2", password: "kasse2-password" },
        ],
        backOffices: [{ msn: "123456", password: "office-password" }],
      }),
    );
  });
});
