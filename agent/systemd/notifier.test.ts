import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, type Logger } from "../../lib/log.js";
import { startNotifySocket, type NotifySocket } from "../../test/helpers/systemd-notify-socket.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { createSystemdNotifier } from "./notifier.js";

/** A logger whose NDJSON lines land in an array. */
function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const logger = createLogger({
    level: "debug",
    destination: { write: (line: string) => void raw.push(line) },
  });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("systemd notifier against a real notify socket", () => {
  let dir: ReturnType<typeof tempDir>;
  let socket: NotifySocket;

  beforeEach(async () => {
    dir = tempDir("pos-agent-notify-");
    socket = await startNotifySocket(dir.path);
  });
  afterEach(async () => {
    await socket.close();
    dir.cleanup();
  });

  it("sends the exact sd_notify messages, each confirmed by a barrier", async () => {
    const notifier = createSystemdNotifier({
      env: { NOTIFY_SOCKET: socket.path, PATH: process.env.PATH },
      monotonicUsec: () => 42n,
    });
    expect(notifier.enabled).toBe(true);

    expect(await notifier.status("reconciling 2 unfinished payments")).toBe(true);
    expect(await notifier.ready("serving; printer offline")).toBe(true);
    expect(await notifier.watchdog()).toBe(true);
    expect(await notifier.extendTimeout(30_000)).toBe(true);
    expect(await notifier.reloading("reloading configuration")).toBe(true);
    expect(await notifier.ready()).toBe(true);
    expect(await notifier.stopping("SIGTERM")).toBe(true);

    expect(socket.notifications()).toEqual([
      "STATUS=reconciling 2 unfinished payments",
      "READY=1\nSTATUS=serving; printer offline",
      "WATCHDOG=1",
      "EXTEND_TIMEOUT_USEC=30000000",
      "RELOADING=1\nMONOTONIC_USEC=42\nSTATUS=reloading configuration",
      "READY=1",
      "STOPPING=1\nSTATUS=SIGTERM",
    ]);
    // systemd-notify waited for the receiver after every message (no --no-block): the
    // sender's cgroup is still there when PID 1 reads the datagram.
    expect(socket.datagrams.filter((d) => d === "BARRIER=1")).toHaveLength(7);
  });

  it("cannot be made to forge readiness through a status text", async () => {
    const notifier = createSystemdNotifier({ env: { NOTIFY_SOCKET: socket.path, PATH: process.env.PATH } });
    expect(await notifier.status("paid\nREADY=1")).toBe(true);
    expect(socket.notifications()).toEqual(["STATUS=paid READY=1"]);
  });

  it("delivers in call order and lets the newest waiting status or keep-alive replace an older one", async () => {
    const notifier = createSystemdNotifier({ env: { NOTIFY_SOCKET: socket.path, PATH: process.env.PATH } });
    const results = await Promise.all([
      notifier.status("a"), // in flight at once
      notifier.status("b"), // waits …
      notifier.status("c"), // … and is replaced by this one
      notifier.watchdog(),
      notifier.watchdog(),
      notifier.ready("serving"),
      notifier.status("d"),
    ]);
    expect(results).toEqual([true, true, true, true, true, true, true]);
    expect(socket.notifications()).toEqual([
      "STATUS=a",
      "STATUS=c",
      "WATCHDOG=1",
      "READY=1\nSTATUS=serving",
      "STATUS=d",
    ]);
  });

  it("flush() waits until everything sent so far is delivered", async () => {
    const notifier = createSystemdNotifier({ env: { NOTIFY_SOCKET: socket.path, PATH: process.env.PATH } });
    void notifier.ready();
    void notifier.stopping();
    await notifier.flush();
    expect(socket.notifications()).toEqual(["READY=1", "STOPPING=1"]);
    await notifier.flush(); // idle: resolves at once
  });

  it("refuses a malformed message without sending it and keeps working", async () => {
    const log = capturingLogger();
    const notifier = createSystemdNotifier({
      env: { NOTIFY_SOCKET: socket.path, PATH: process.env.PATH },
      logger: log.logger,
    });
    expect(await notifier.extendTimeout(-1)).toBe(false);
    expect(await notifier.watchdog()).toBe(true);
    expect(socket.notifications()).toEqual(["WATCHDOG=1"]);
    expect(log.lines().some((l) => l.level === "error" && String(l.msg).includes("refused"))).toBe(true);
  });
});

describe("systemd notifier failures never reach the caller", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir("pos-agent-notify-");
  });
  afterEach(() => dir.cleanup());

  it("is a no-op without NOTIFY_SOCKET: nothing is spawned", async () => {
    const marker = join(dir.path, "ran");
    const command = script(dir.path, "fake-notify", `touch '${marker}'`);
    const notifier = createSystemdNotifier({ env: { PATH: process.env.PATH }, command });
    expect(notifier.enabled).toBe(false);
    expect(await notifier.ready()).toBe(false);
    expect(await notifier.watchdog()).toBe(false);
    await notifier.flush();
    expect(existsSync(marker)).toBe(false);
    expect(createSystemdNotifier({ env: { NOTIFY_SOCKET: "" }, command }).enabled).toBe(false);
  });

  it("resolves false and logs once when the socket is gone", async () => {
    const log = capturingLogger();
    const notifier = createSystemdNotifier({
      env: { NOTIFY_SOCKET: join(dir.path, "no-such.sock"), PATH: process.env.PATH },
      logger: log.logger,
    });
    expect(await notifier.ready()).toBe(false);
    expect(await notifier.watchdog()).toBe(false);
    const errors = log.lines().filter((l) => l.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/systemd notification failed: systemd-notify exited with 1/);
  });

  it("resolves false when the helper cannot be run", async () => {
    const log = capturingLogger();
    const notifier = createSystemdNotifier({
      env: { NOTIFY_SOCKET: join(dir.path, "n.sock"), PATH: process.env.PATH },
      command: join(dir.path, "missing-systemd-notify"),
      logger: log.logger,
    });
    expect(await notifier.ready()).toBe(false);
    expect(log.lines().find((l) => l.level === "error")?.msg).toMatch(
      /cannot run .*missing-systemd-notify: spawn .* ENOENT/,
    );
  });

  it("kills a helper that hangs and carries on", async () => {
    const log = capturingLogger();
    const hang = script(dir.path, "hanging-notify", "exec sleep 30");
    const notifier = createSystemdNotifier({
      env: { NOTIFY_SOCKET: join(dir.path, "n.sock"), PATH: process.env.PATH },
      command: hang,
      timeoutMs: 300,
      logger: log.logger,
    });
    expect(await notifier.watchdog()).toBe(false);
    expect(log.lines().find((l) => l.level === "error")?.msg).toMatch(/did not finish within 300 ms/);
  });

  it("logs recovery after an outage", async () => {
    const log = capturingLogger();
    const flaky = script(
      dir.path,
      "flaky-notify",
      `if [ -e '${join(dir.path, "ok")}' ]; then exit 0; fi; echo 'Failed to notify init system' >&2; exit 1`,
    );
    const notifier = createSystemdNotifier({
      env: { NOTIFY_SOCKET: join(dir.path, "n.sock"), PATH: process.env.PATH },
      command: flaky,
      logger: log.logger,
    });
    expect(await notifier.watchdog()).toBe(false);
    expect(await notifier.watchdog()).toBe(false);
    writeFileSync(join(dir.path, "ok"), "");
    expect(await notifier.watchdog()).toBe(true);
    const lines = log.lines();
    expect(lines.filter((l) => l.level === "error").map((l) => l.msg)).toEqual([
      "systemd notification failed: flaky-notify exited with 1: Failed to notify init system".replace(
        "flaky-notify",
        flaky,
      ),
    ]);
    expect(lines.some((l) => l.level === "info" && l.msg === "systemd notifications delivered again")).toBe(
      true,
    );
  });
});
