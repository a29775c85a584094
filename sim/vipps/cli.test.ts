import { spawn } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { REPO_ROOT } from "../../test/helpers/cli.js";
import { accessToken } from "../../test/helpers/vipps-sim.js";
import { parseBehaviour, parseSimArgs } from "./cli.js";
import type { SalesUnit } from "./index.js";

describe("parseSimArgs", () => {
  it("defaults to port 8080 and leaves the rest to the simulator", () => {
    expect(parseSimArgs([])).toEqual({ help: false, logLevel: "info", options: { port: 8080 } });
  });

  it("reads every option", () => {
    const cli = parseSimArgs([
      "--port",
      "0",
      "--host",
      "::1",
      "--customer",
      "decline:200",
      "--payment-expiry",
      "30",
      "--token-ttl",
      "60",
      "--log-level",
      "debug",
    ]);
    expect(cli).toEqual({
      help: false,
      logLevel: "debug",
      options: {
        port: 0,
        host: "::1",
        paymentExpiryMs: 30_000,
        accessTokenTtlSeconds: 60,
        defaultBehaviour: {
          payment: { action: "decline", afterMs: 200 },
          login: { action: "decline", afterMs: 200 },
        },
      },
    });
  });

  it.each([
    ["--port", "x"],
    ["--port", "70000"],
    ["--payment-expiry", "0"],
    ["--customer", "maybe"],
    ["--log-level", "loud"],
    ["--nope"],
    ["extra"],
  ])("refuses %s %s", (...args) => {
    expect(() => parseSimArgs(args)).toThrow();
  });

  it("parses customer behaviours", () => {
    expect(parseBehaviour("approve")).toEqual({ action: "approve", afterMs: 1500 });
    expect(parseBehaviour("ignore")).toEqual({ action: "ignore" });
    expect(() => parseBehaviour("ignore:5")).toThrow();
  });
});

describe("npm run sim (dist/sim/vipps/main.js)", () => {
  let child: ReturnType<typeof spawn> | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
  });

  it("prints its URL, every sales unit's credentials and the control endpoints, serves, and stops on SIGTERM", async () => {
    const proc = spawn(process.execPath, [`${REPO_ROOT}dist/sim/vipps/main.js`, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    let out = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    await vi.waitFor(() => expect(out).toContain("Control API"), { timeout: 20_000, interval: 50 });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    const field = (label: string): string[] =>
      [...out.matchAll(new RegExp(`${label}\\s+(\\S+)`, "g"))].map((m) => m[1] ?? "");
    expect(field("msn")).toEqual(["123456", "234567"]);
    expect(field("currency")).toEqual(["NOK", "DKK"]);
    expect(out).toContain("/_sim/scan");
    const unit = {
      msn: field("msn")[0],
      clientId: field("client id")[0],
      clientSecret: field("client secret")[0],
      subscriptionKey: field("subscription key")[0],
    } as SalesUnit;
    expect(await accessToken(url ?? "", unit)).toMatch(/^[A-Za-z0-9+/=]+$/);
    const exited = new Promise<number | null>((resolve) => proc.on("exit", resolve));
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
