import { spawn } from "node:child_process";
import { chmodSync, lstatSync, mkdirSync, readFileSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { createLogger } from "../../lib/log.js";
import { AGENT_BIN } from "../../test/helpers/cli.js";
import { ControlApiDouble } from "../../test/helpers/control-api-double.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { EXIT } from "../../lib/exit-codes.js";
import { controlRequest } from "./client.js";
import { startControlServer, type ControlServer, type ControlServerOptions } from "./server.js";
import { groupId } from "./socket-file.js";

/**
 * The control sockets' limits and powers: more connections than it serves are answered, not
 * dropped; money-moving requests are served on their own socket, for their own group, and
 * each is logged with the sender the kernel names (SO_PEERCRED) — tested with real processes,
 * under other uids where the test runs as root.
 */

type LogLine = Record<string, unknown> & { msg: string };

function capturedLog() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString("utf8").split("\n"))
        if (text !== "") lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return { lines, logger: createLogger({ level: "info", destination: stream }) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isAgentError(error) ? error.code : `not an AgentError: ${String(error)}`;
  }
  return "resolved";
}

/** A client that connects and says nothing (holds a connection open). */
function silent(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath, () => resolve(socket));
    socket.on("error", reject);
  });
}

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

describe("control sockets: limits, powers and the audit of money-moving requests", () => {
  let dir: ReturnType<typeof tempDir>;
  let api: ControlApiDouble;
  let log: ReturnType<typeof capturedLog>;
  const servers: ControlServer[] = [];
  const serve = async (
    options: Partial<ControlServerOptions> & { socketPath: string },
  ): Promise<ControlServer> => {
    const server = await startControlServer({ api, logger: log.logger, ...options });
    servers.push(server);
    return server;
  };

  beforeEach(() => {
    dir = tempDir("control-powers-");
    // Other uids must reach the sockets below it (the sockets' own modes decide who connects).
    chmodSync(dir.path, 0o755);
    mkdirSync(join(dir.path, "run"), { mode: 0o755 });
    api = new ControlApiDouble();
    log = capturedLog();
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    dir.cleanup();
  });

  it("answers the connections beyond those it serves CONTROL_BUSY, and closes a flood's unanswered", async () => {
    const socketPath = join(dir.path, "run", "control.sock");
    await serve({ socketPath, maxConnections: 2, requestTimeoutMs: 5_000 });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    api.reprint = async () => {
      await gate;
      return { saleId: "S-1002", jobId: "S-1002:sale:copy" };
    };
    const held = [1, 2].map(() => controlRequest(socketPath, { method: "reprint" }, { timeoutMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await codeOf(controlRequest(socketPath, { method: "status" }, { timeoutMs: 5_000 }))).toBe(
      "CONTROL_BUSY",
    );
    // 2 served + 6 waiting for their answer = 4 × 2: the next is closed at once.
    const waiting = await Promise.all([1, 2, 3, 4, 5, 6].map(() => silent(socketPath)));
    expect(await codeOf(controlRequest(socketPath, { method: "status" }, { timeoutMs: 5_000 }))).toBe(
      "CONTROL_CONNECTION_LOST",
    );
    for (const socket of waiting) socket.destroy();
    release();
    expect(await Promise.all(held)).toEqual([
      { saleId: "S-1002", jobId: "S-1002:sale:copy" },
      { saleId: "S-1002", jobId: "S-1002:sale:copy" },
    ]);
    // Served again once the server has seen those connections close.
    await vi.waitFor(
      async () =>
        expect((await controlRequest(socketPath, { method: "status" }, { timeoutMs: 5_000 })).tillId).toBe(
          "kasse1",
        ),
      { timeout: 5_000, interval: 50 },
    );
    expect(log.lines.map((l) => l.msg)).toContain("control request refused: busy");
  });

  it("logs a refund before and after with the sender the kernel names, whatever the outcome", async () => {
    const socketPath = join(dir.path, "run", "refund.sock");
    await serve({ socketPath, methods: ["refund"] });
    await controlRequest(
      socketPath,
      { method: "refund", reference: "kasse1-1002-aaaa", amount: 100 },
      { timeoutMs: 10_000 },
    );
    expect(
      await codeOf(
        controlRequest(
          socketPath,
          { method: "refund", reference: "kasse1-1001-bbbb" },
          { timeoutMs: 10_000 },
        ),
      ),
    ).toBe("NOT_CAPTURED");
    const audit = log.lines.filter((l) => l.audit === "refund");
    const peer = { pid: process.pid, uid: process.getuid?.(), gid: process.getgid?.() };
    expect(audit).toEqual([
      expect.objectContaining({
        msg: "refund requested",
        requestId: 1,
        reference: "kasse1-1002-aaaa",
        amount: 100,
        peer: expect.objectContaining(peer) as unknown,
      }),
      expect.objectContaining({
        msg: "refund answered",
        requestId: 1,
        outcome: "done",
        refundedAmount: 100,
        peer: expect.objectContaining(peer) as unknown,
      }),
      expect.objectContaining({
        msg: "refund requested",
        requestId: 2,
        reference: "kasse1-1001-bbbb",
        peer: expect.objectContaining(peer) as unknown,
      }),
      expect.objectContaining({
        msg: "refund answered",
        requestId: 2,
        outcome: "refused",
        code: "NOT_CAPTURED",
      }),
    ]);
  });

  it("serves each method on its own socket only: a refund on the control socket is CONTROL_FORBIDDEN", async () => {
    const control = join(dir.path, "run", "control.sock");
    const refunds = join(dir.path, "run", "refund.sock");
    await serve({ socketPath: control, methods: ["status", "reprint", "refreshQr", "print"] });
    await serve({ socketPath: refunds, methods: ["refund"] });
    expect(
      await codeOf(
        controlRequest(control, { method: "refund", reference: "kasse1-1002-aaaa" }, { timeoutMs: 5_000 }),
      ),
    ).toBe("CONTROL_FORBIDDEN");
    expect(await codeOf(controlRequest(refunds, { method: "status" }, { timeoutMs: 5_000 }))).toBe(
      "CONTROL_FORBIDDEN",
    );
    expect(api.calls.filter((c) => c.method === "refund")).toEqual([]);
  });

  it("refuses a refund whose sender cannot be identified (no perl): nothing is done", async () => {
    const socketPath = join(dir.path, "run", "refund.sock");
    await serve({ socketPath, methods: ["refund"] });
    const path = process.env.PATH;
    process.env.PATH = join(dir.path, "empty");
    try {
      expect(
        await codeOf(
          controlRequest(
            socketPath,
            { method: "refund", reference: "kasse1-1002-aaaa" },
            { timeoutMs: 10_000 },
          ),
        ),
      ).toBe("CONTROL_PEER_UNKNOWN");
    } finally {
      process.env.PATH = path;
    }
    expect(api.calls.filter((c) => c.method === "refund")).toEqual([]);
    expect(log.lines.find((l) => l.audit === "refund")).toMatchObject({
      level: "warn",
      code: "CONTROL_PEER_UNKNOWN",
      msg: "money-moving request refused: the requester could not be identified; nothing was done",
    });
  });

  it("gives the refund socket to its group (0660), or to nobody but its owner when the group does not exist", async () => {
    const own = readFileSync("/etc/group", "utf8")
      .split("\n")
      .find((l) => l.split(":")[2] === String(process.getgid?.()))
      ?.split(":")[0];
    expect(own).toBeDefined();
    const grouped = join(dir.path, "run", "grouped.sock");
    await serve({ socketPath: grouped, methods: ["refund"], group: own ?? "" });
    expect(lstatSync(grouped).mode & 0o777).toBe(0o660);
    expect(lstatSync(grouped).gid).toBe(groupId(own ?? ""));
    const orphan = join(dir.path, "run", "orphan.sock");
    await serve({ socketPath: orphan, methods: ["refund"], group: "no-such-group-i21" });
    expect(lstatSync(orphan).mode & 0o777).toBe(0o600);
    expect(log.lines.map((l) => l.msg)).toContain(
      "the socket's group does not exist: only the agent's user and root may use the socket",
    );
  });

  it.skipIf(!isRoot || groupId("nogroup") !== NOBODY)(
    "logs the uid of another user's `pos-agent refund`; a login outside the group cannot connect",
    async () => {
      const socketPath = join(dir.path, "run", "refund.sock");
      await serve({ socketPath, methods: ["refund"], group: "nogroup" });
      const refundAs = (uid: number, gid: number) =>
        new Promise<{ code: number | null; pid: number | undefined; stderr: string }>((resolve) => {
          const child = spawn(
            "setpriv",
            [
              `--reuid=${uid}`,
              `--regid=${gid}`,
              "--clear-groups",
              process.execPath,
              AGENT_BIN,
              "refund",
              "kasse1-1002-aaaa",
              "100",
              "--yes",
              "--socket",
              socketPath,
              "--config",
              join(dir.path, "none.yaml"),
            ],
            { stdio: ["ignore", "ignore", "pipe"] },
          );
          let stderr = "";
          child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
          child.on("close", (code) => resolve({ code, pid: child.pid, stderr }));
        });

      const nobody = await refundAs(NOBODY, NOBODY);
      expect(nobody.code).toBe(EXIT.OK);
      // setpriv execs node in its own process: the pid the kernel names is the CLI's.
      expect(log.lines.find((l) => l.msg === "refund requested")?.peer).toEqual({
        pid: nobody.pid,
        uid: NOBODY,
        gid: NOBODY,
        user: "nobody",
      });

      const outsider = await refundAs(4242, 4242);
      expect(outsider.code).toBe(EXIT.NOPERM);
      expect(outsider.stderr).toContain("sudo usermod -aG pos-agent-refund");
      expect(api.calls.filter((c) => c.method === "refund")).toHaveLength(1);
    },
  );
});
