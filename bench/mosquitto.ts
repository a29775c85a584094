import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { freePort } from "../demo/free-port.js";
import { killWithParent } from "./orphan-guard.js";

/**
 * A real mosquitto for the benchmark, as a till's broker would be: its own process on a free
 * loopback port, in memory, anonymous. (The tests' richer helper, test/helpers/mosquitto.ts,
 * is not part of the build the benchmark runs from.)
 */
export async function startBenchMosquitto(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "pos-bench-mosquitto-"));
  const port = await freePort();
  const config = join(dir, "mosquitto.conf");
  // Run as whoever runs the bench (as root mosquitto would switch to the `mosquitto` user).
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      `user ${userInfo().username}`,
      "allow_anonymous true",
      "log_dest stderr",
      "log_type error",
      "log_type warning",
      "log_type notice",
      // The "running" line that says it is ready is information.
      "log_type information",
      "connection_messages false",
      "",
    ].join("\n"),
  );
  const child = spawn("mosquitto", ["-c", config], { stdio: ["ignore", "ignore", "pipe"] });
  killWithParent(child.pid, dir);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`mosquitto did not say it was running within 10 s:\n${log}`));
    }, 10_000);
    child.once("error", (error) =>
      reject(new Error(`mosquitto did not start (is it installed?): ${error.message}`)),
    );
    child.once("exit", (code) => reject(new Error(`mosquitto exited (${code}) before it ran:\n${log}`)));
    const onLog = (chunk: Buffer): void => {
      log += chunk.toString("utf8");
      if (!/mosquitto version \S+ running/.test(log)) return;
      clearTimeout(timer);
      child.stderr.off("data", onLog);
      child.stderr.resume();
      resolve();
    };
    child.stderr.on("data", onLog);
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
