import {
  chmodSync,
  chownSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../config/load.js";
import { SECRET_FILES } from "../../../config/secrets.js";
import { runCommand } from "../../../test/helpers/technician-cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { registerConfigCommands } from "./config.js";
import { registerConfigEditCommands } from "./config-edit.js";

const EXAMPLE = readFileSync(new URL("../../../config/pos-agent.example.yaml", import.meta.url), "utf8");
const isRoot = process.geteuid?.() === 0;

/** Both, as main.ts registers them: `config check` exists, get/set are added to it. */
const register = (
  program: Parameters<typeof registerConfigCommands>[0],
  io: Parameters<typeof registerConfigEditCommands>[1],
): void => {
  registerConfigCommands(program);
  registerConfigEditCommands(program, io);
};

/** Lines of `after` that differ from `before` (same line count assumed when only values change). */
function changedLines(before: string, after: string): string[] {
  const a = before.split("\n");
  const b = after.split("\n");
  return b.filter((line, i) => line !== a[i]);
}

describe("pos-agent config get / set", () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = join(dir.path, "pos-agent.yaml");
    writeFileSync(file, EXAMPLE, { mode: 0o640 });
    mkdirSync(join(dir.path, "secrets"));
    for (const name of [SECRET_FILES.clientSecret, SECRET_FILES.subscriptionKey, SECRET_FILES.webhookSecrets])
      writeFileSync(join(dir.path, "secrets", name), "x\n", { mode: 0o600 });
  });
  afterEach(() => dir.cleanup());

  const run = (...args: string[]) => runCommand(register, ["config", ...args, "--config", file]);

  it("get prints the effective value, defaults included, and exits 1 for a key that is not set", async () => {
    expect((await run("get", "printer.uri")).stdout).toBe("none\n");
    expect((await run("get", "vipps.msn")).stdout).toBe("123456\n");
    expect((await run("get", "mqtt.keepaliveSeconds")).stdout).toBe("30\n");
    expect((await run("get", "loyalty.scopes")).stdout).toBe("- openid\n- name\n- phoneNumber\n");
    writeFileSync(file, EXAMPLE.replace(/\ncheckout:[\s\S]*?\nlog:/, "\nlog:"));
    expect((await run("get", "checkout.pollIntervalMs")).stdout).toBe("2000\n");
    const unset = await run("get", "mqtt.username");
    expect(unset.exitCode).toBe(EXIT.FAILURE);
    expect(unset.stderr).toBe("mqtt.username is not set\n");
  });

  it("set changes exactly one line and keeps every comment, then the file loads with the new value", async () => {
    const io = await run("set", "printer.uri", "tcp://10.0.0.5:9100");
    expect(io.exitCode).toBe(EXIT.OK);
    expect(io.stdout).toContain("✓ printer.uri: none → tcp://10.0.0.5:9100");
    expect(io.stdout).toContain("sudo systemctl restart pos-agent");
    const after = readFileSync(file, "utf8");
    expect(changedLines(EXAMPLE, after)).toEqual(["  uri: tcp://10.0.0.5:9100"]);
    expect(after.split("\n")).toHaveLength(EXAMPLE.split("\n").length);
    expect(loadConfig(file, {}).config.printer.uri).toBe("tcp://10.0.0.5:9100");
  });

  it("types the value by the schema: numbers stay numbers, digit strings stay strings, trailing comments survive", async () => {
    expect((await run("set", "printer.columns", "48")).exitCode).toBe(EXIT.OK);
    expect((await run("set", "vipps.msn", "654321")).exitCode).toBe(EXIT.OK);
    expect((await run("set", "register.dataBits", "7")).exitCode).toBe(EXIT.OK);
    expect((await run("set", "printer.statusTicketAtBoot", "true")).exitCode).toBe(EXIT.OK);
    const after = readFileSync(file, "utf8");
    expect(after).toContain("  dataBits: 7        # 7 or 8\n");
    const loaded = loadConfig(file, {}).config;
    expect(loaded.printer.columns).toBe(48);
    expect(loaded.vipps.msn).toBe("654321");
    expect(loaded.register.dataBits).toBe(7);
    expect(loaded.printer.statusTicketAtBoot).toBe(true);
    expect((await run("set", "log.level", "debug")).stdout).toContain("SIGHUP");
  });

  it("sets lists, keeping a flow-style list in flow style", async () => {
    expect((await run("set", "loyalty.scopes", "[openid, name]")).exitCode).toBe(EXIT.OK);
    expect((await run("set", "printer.header", '["Kaffebaren AS", "Storgata 1, 0155 Oslo"]')).exitCode).toBe(
      EXIT.OK,
    );
    const after = readFileSync(file, "utf8");
    expect(after).toContain("  scopes: [openid, name]\n");
    const loaded = loadConfig(file, {}).config;
    expect(loaded.loyalty.scopes).toEqual(["openid", "name"]);
    expect(loaded.printer.header).toEqual(["Kaffebaren AS", "Storgata 1, 0155 Oslo"]);
  });

  it("adds a key the file does not have under its section, indented like its neighbours, touching no other line", async () => {
    expect((await run("set", "display.rows", "30")).exitCode).toBe(EXIT.OK);
    expect((await run("set", "mqtt.tls.caFile", "/etc/pos-agent/ca.pem")).exitCode).toBe(EXIT.OK);
    const after = readFileSync(file, "utf8");
    expect(after).toContain("  brand: auto\n  rows: 30\n\ngpio:");
    expect(after).toContain("    rejectUnauthorized: true\n    caFile: /etc/pos-agent/ca.pem\n\nregister:");
    expect(after.replace("  rows: 30\n", "").replace("    caFile: /etc/pos-agent/ca.pem\n", "")).toBe(
      EXAMPLE,
    );
    // A whole section the file lacks goes at the end.
    const withoutCheckout = EXAMPLE.replace(/\ncheckout:[\s\S]*?\nlog:/, "\nlog:");
    writeFileSync(file, withoutCheckout);
    expect((await run("set", "checkout.pollIntervalMs", "3000")).exitCode).toBe(EXIT.OK);
    expect(readFileSync(file, "utf8")).toBe(`${withoutCheckout}checkout:\n  pollIntervalMs: 3000\n`);
    expect(loadConfig(file, {}).config.checkout.pollIntervalMs).toBe(3000);
  });

  it("writes nothing when the result would be invalid, and lists the problem with its line (exit 78)", async () => {
    const before = statSync(file);
    const io = await run("set", "printer.columns", "7");
    expect(io.exitCode).toBe(EXIT.CONFIG);
    expect(io.stderr).toMatch(/printer\.columns \(line \d+\): expected an integer from 24 to 64/);
    expect(readFileSync(file, "utf8")).toBe(EXAMPLE);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    const url = await run("set", "mqtt.url", "http://broker");
    expect(url.exitCode).toBe(EXIT.CONFIG);
    expect(readFileSync(file, "utf8")).toBe(EXAMPLE);
  });

  it("refuses unknown keys, secrets, sections and values of the wrong type (exit 64), writing nothing", async () => {
    const unknown = await run("set", "printer.url", "x");
    expect(unknown.exitCode).toBe(EXIT.USAGE);
    expect(unknown.stderr).toContain("printer.url: unknown key; printer has printer.uri, printer.model");
    const secret = await run("set", "vipps.clientSecret", "s3cr3t");
    expect(secret.exitCode).toBe(EXIT.USAGE);
    expect(secret.stderr).toContain(`${join(dir.path, "secrets", "vipps-client-secret")}`);
    expect(secret.stderr).not.toContain("s3cr3t");
    expect((await run("get", "mqtt.password")).stderr).toContain("mqtt-password");
    expect((await run("get", "loyalty.httpToken")).stderr).toContain("loyalty-http-token");
    const bool = await run("set", "printer.statusTicketAtBoot", "maybe");
    expect(bool.exitCode).toBe(EXIT.USAGE);
    expect(bool.stderr).toContain("expected true or false");
    const choice = await run("set", "mqtt.protocolVersion", "3");
    expect(choice.stderr).toContain("expected one of 4, 5");
    const section = await run("set", "mqtt.tls", "x");
    expect(section.stderr).toContain(
      "is a section; set its keys one by one (caFile, certFile, keyFile, rejectUnauthorized)",
    );
    expect(readFileSync(file, "utf8")).toBe(EXAMPLE);
  });

  it("says so and writes nothing when the value is already set", async () => {
    const before = statSync(file);
    const io = await run("set", "till.id", "kasse1");
    expect(io.exitCode).toBe(EXIT.OK);
    expect(io.stdout).toContain("already kasse1; nothing written");
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  });

  it("replaces the file atomically with its mode (and owner), leaving no temporary file; follows a symlink", async () => {
    chmodSync(file, 0o640);
    if (isRoot) chownSync(file, 65534, 65534);
    const link = join(dir.path, "link.yaml");
    symlinkSync(file, link);
    const io = await runCommand(register, ["config", "set", "printer.columns", "32", "--config", link]);
    expect(io.exitCode).toBe(EXIT.OK);
    const stat = statSync(file);
    expect(stat.mode & 0o777).toBe(0o640);
    if (isRoot) expect([stat.uid, stat.gid]).toEqual([65534, 65534]);
    expect(loadConfig(link, {}).config.printer.columns).toBe(32);
    expect(readdirSync(dir.path).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("exits 78 for a file it cannot read", async () => {
    const io = await runCommand(register, [
      "config",
      "get",
      "till.id",
      "--config",
      join(dir.path, "missing.yaml"),
    ]);
    expect(io.exitCode).toBe(EXIT.CONFIG);
    expect(io.stderr).toContain("cannot read: ENOENT");
  });
});
