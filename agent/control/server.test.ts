import { spawn } from "node:child_process";
import { existsSync, lstatSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { ControlApiDouble } from "../../test/helpers/control-api-double.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import type { ControlApi } from "./api.js";
import { controlRequest } from "./client.js";
import { MAX_REQUEST_BYTES } from "./protocol.js";
import { startControlServer, type ControlServer } from "./server.js";

/** Sends raw bytes and returns the one response line (or "" when the server just closed). */
function raw(socketPath: string, bytes: string | Buffer, { end = true } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = createConnection(socketPath, () => {
      socket.write(bytes);
      if (end) socket.end();
    });
    socket.on("data", (d: Buffer) => (text += d.toString("utf8")));
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });
}

/** The error code of a raw response line. */
function errorCode(line: string): string {
  return (JSON.parse(line) as { error?: { code?: string } }).error?.code ?? "no error";
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isAgentError(error) ? error.code : `not an AgentError: ${String(error)}`;
  }
  return "resolved";
}

describe("control socket: server ⇄ client", () => {
  let dir: ReturnType<typeof tempDir>;
  let socketPath: string;
  let api: ControlApiDouble;
  let server: ControlServer | undefined;

  beforeEach(async () => {
    dir = tempDir();
    socketPath = join(dir.path, "run", "control.sock");
    api = new ControlApiDouble();
    server = await startControlServer({ socketPath, api, requestTimeoutMs: 300 });
  });
  afterEach(async () => {
    await server?.close();
    dir.cleanup();
  });

  it("answers status with the agent's status, validated", async () => {
    const status = await controlRequest(socketPath, { method: "status" }, { timeoutMs: 2_000 });
    expect(status).toEqual(api.statusValue);
    expect(status.lastSales[0]?.reference).toBe("kasse1-1002-aaaa");
  });

  it("makes the socket 0660 even under the service's umask 0077, and creates its directory", async () => {
    await server?.close();
    const previous = process.umask(0o077);
    try {
      server = await startControlServer({ socketPath: join(dir.path, "deeper", "x.sock"), api });
    } finally {
      process.umask(previous);
    }
    const stat = lstatSync(join(dir.path, "deeper", "x.sock"));
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o660);
  });

  it("reprints the last captured sale, or one by number, and forwards UNKNOWN_SALE", async () => {
    expect(await controlRequest(socketPath, { method: "reprint" }, { timeoutMs: 2_000 })).toEqual({
      saleId: "S-1002",
      jobId: "S-1002:sale:copy",
    });
    expect(
      await controlRequest(socketPath, { method: "reprint", sale: "1" }, { timeoutMs: 2_000 }),
    ).toMatchObject({ saleId: "S-1001" });
    expect(
      await codeOf(controlRequest(socketPath, { method: "reprint", sale: "nope" }, { timeoutMs: 2_000 })),
    ).toBe("UNKNOWN_SALE");
  });

  it("refunds, and forwards the agent's refusal codes unchanged", async () => {
    const part = await controlRequest(
      socketPath,
      { method: "refund", reference: "kasse1-1002-aaaa", amount: 1250 },
      { timeoutMs: 2_000 },
    );
    expect(part).toMatchObject({ saleId: "S-1002", refundedAmount: 1250, state: "captured" });
    expect(
      await codeOf(
        controlRequest(
          socketPath,
          { method: "refund", reference: "kasse1-1002-aaaa", amount: 99_999 },
          { timeoutMs: 2_000 },
        ),
      ),
    ).toBe("REFUND_TOO_LARGE");
    expect(
      await codeOf(
        controlRequest(socketPath, { method: "refund", reference: "kasse1-1001-bbbb" }, { timeoutMs: 2_000 }),
      ),
    ).toBe("NOT_CAPTURED");
    const rest = await controlRequest(
      socketPath,
      { method: "refund", reference: "kasse1-1002-aaaa" },
      { timeoutMs: 2_000 },
    );
    expect(rest).toMatchObject({ state: "refunded", refundedAmount: 6150 });
    expect(api.calls.filter((c) => c.method === "refund").map((c) => c.args)).toEqual([
      ["kasse1-1002-aaaa", 1250],
      ["kasse1-1002-aaaa", 99_999],
      ["kasse1-1001-bbbb", undefined],
      ["kasse1-1002-aaaa", undefined],
    ]);
  });

  it("refuses bad arguments before the API sees them", async () => {
    const answers = await Promise.all([
      raw(socketPath, '{"v":1,"method":"refund","reference":"kasse1-1002-aaaa","amount":12.5}\n'),
      raw(socketPath, '{"v":1,"method":"refund","reference":"x y"}\n'),
      raw(socketPath, '{"v":1,"method":"refund","reference":"kasse1-1002-aaaa","amount":-1}\n'),
      raw(socketPath, '{"v":1,"method":"status","extra":true}\n'),
    ]);
    for (const answer of answers)
      expect(JSON.parse(answer)).toMatchObject({ v: 1, ok: false, error: { code: "CONTROL_BAD_REQUEST" } });
    expect(answers[0]).toContain("amount");
    expect(api.calls.filter((c) => c.method === "refund")).toEqual([]);
  });

  it("survives garbage: bad JSON, wrong version, unknown method, oversized and half-sent requests", async () => {
    expect(errorCode(await raw(socketPath, "hello\n"))).toBe("CONTROL_BAD_REQUEST");
    expect(errorCode(await raw(socketPath, "[1,2]\n"))).toBe("CONTROL_BAD_REQUEST");
    expect(errorCode(await raw(socketPath, '{"v":2,"method":"status"}\n'))).toBe("CONTROL_BAD_REQUEST");
    expect(errorCode(await raw(socketPath, '{"v":1,"method":"shutdown"}\n'))).toBe("CONTROL_UNKNOWN_METHOD");
    expect(errorCode(await raw(socketPath, Buffer.alloc(MAX_REQUEST_BYTES + 10, 0x61), { end: false }))).toBe(
      "CONTROL_REQUEST_TOO_LARGE",
    );
    // No newline, connection held open: answered after the request timeout.
    expect(errorCode(await raw(socketPath, '{"v":1,"method":"sta', { end: false }))).toBe(
      "CONTROL_BAD_REQUEST",
    );
    // A client that vanishes mid-request.
    expect(await raw(socketPath, '{"v":1,', { end: true })).toBe("");
    // Still serving.
    expect((await controlRequest(socketPath, { method: "status" }, { timeoutMs: 2_000 })).tillId).toBe(
      "kasse1",
    );
  });

  it("turns an unexpected exception into CONTROL_INTERNAL and keeps serving", async () => {
    await server?.close();
    const broken: ControlApi = {
      status: () => {
        throw new TypeError("boom");
      },
      reprint: () => Promise.reject(new RangeError("bad")),
      refund: () => Promise.reject(new Error("x")),
      refreshQr: () => Promise.resolve(),
    };
    server = await startControlServer({ socketPath, api: broken });
    expect(await codeOf(controlRequest(socketPath, { method: "status" }, { timeoutMs: 2_000 }))).toBe(
      "CONTROL_INTERNAL",
    );
    expect(await codeOf(controlRequest(socketPath, { method: "reprint" }, { timeoutMs: 2_000 }))).toBe(
      "CONTROL_INTERNAL",
    );
    expect(await controlRequest(socketPath, { method: "refreshQr" }, { timeoutMs: 2_000 })).toBeNull();
    // No print method: unsupported, not a crash.
    const sticker = {
      kind: "qr_sticker",
      language: "nb",
      header: [],
      till: "kasse1",
      brand: "vipps",
      qrContent: "https://qr.vipps.no/x",
      locationDescription: "Kasse 1",
    } as const;
    expect(
      await codeOf(controlRequest(socketPath, { method: "print", document: sticker }, { timeoutMs: 2_000 })),
    ).toBe("CONTROL_UNSUPPORTED");
  });

  it("validates a document before handing it to the agent's printer", async () => {
    const sticker = {
      kind: "qr_sticker",
      language: "nb",
      header: [],
      till: "kasse1",
      brand: "vipps",
      qrContent: "https://qr.vipps.no/x",
      locationDescription: "Kasse 1",
    } as const;
    expect(
      await controlRequest(socketPath, { method: "print", document: sticker }, { timeoutMs: 2_000 }),
    ).toEqual({ jobId: "manual:1" });
    const bad = { ...sticker, qrContent: "" };
    expect(
      await codeOf(controlRequest(socketPath, { method: "print", document: bad }, { timeoutMs: 2_000 })),
    ).toBe("PRINTER_BAD_DOCUMENT");
    expect(api.printed).toHaveLength(1);
  });

  it("times out on the client while the agent is still working, and keeps serving others", async () => {
    let open: () => void = () => undefined;
    api.refundGate = new Promise<void>((resolve) => (open = resolve));
    expect(
      await codeOf(
        controlRequest(socketPath, { method: "refund", reference: "kasse1-1002-aaaa" }, { timeoutMs: 200 }),
      ),
    ).toBe("CONTROL_TIMEOUT");
    expect((await controlRequest(socketPath, { method: "status" }, { timeoutMs: 2_000 })).ready).toBe(true);
    open();
    // The refund went on in the agent; the answer just had nobody to go to.
    await vi.waitFor(() => expect(api.sales[0]?.state).toBe("refunded"), { timeout: 5_000 });
  });

  it("refuses to start on a path another agent answers on, or on a file that is not a socket", async () => {
    expect(await codeOf(startControlServer({ socketPath, api }))).toBe("CONTROL_SOCKET_IN_USE");
    expect((await controlRequest(socketPath, { method: "status" }, { timeoutMs: 2_000 })).tillId).toBe(
      "kasse1",
    );
    const file = join(dir.path, "not-a-socket");
    writeFileSync(file, "keep me");
    expect(await codeOf(startControlServer({ socketPath: file, api }))).toBe("CONTROL_BAD_SOCKET_PATH");
    expect(readFileSync(file, "utf8")).toBe("keep me");
    expect(await codeOf(startControlServer({ socketPath: join(dir.path, "x".repeat(120)), api }))).toBe(
      "CONTROL_BAD_SOCKET_PATH",
    );
  });

  it("removes its socket on close; a client then hears CONTROL_NOT_RUNNING", async () => {
    await server?.close();
    server = undefined;
    expect(existsSync(socketPath)).toBe(false);
    expect(await codeOf(controlRequest(socketPath, { method: "status" }, { timeoutMs: 2_000 }))).toBe(
      "CONTROL_NOT_RUNNING",
    );
  });

  it("replaces the stale socket of a crashed agent", async () => {
    await server?.close();
    const stale = join(dir.path, "stale.sock");
    const child = spawn(
      process.execPath,
      ["-e", `require("node:net").createServer().listen(${JSON.stringify(stale)}, () => console.log("up"))`],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
    expect(lstatSync(stale).isSocket()).toBe(true);
    expect(await codeOf(controlRequest(stale, { method: "status" }, { timeoutMs: 2_000 }))).toBe(
      "CONTROL_NOT_RUNNING",
    );
    server = await startControlServer({ socketPath: stale, api });
    expect((await controlRequest(stale, { method: "status" }, { timeoutMs: 2_000 })).tillId).toBe("kasse1");
  });
});

describe("control client against a misbehaving peer", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  async function peer(
    reply: (socket: Socket) => void,
  ): Promise<{ path: string; close: () => Promise<void> }> {
    const path = join(dir.path, "peer.sock");
    const server = createServer((socket) => socket.once("data", () => reply(socket)));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    return { path, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it("CONTROL_BAD_RESPONSE for an answer that breaks the protocol", async () => {
    const p = await peer((s) => s.end('{"v":1,"ok":true,"result":{"tillId":42}}\n'));
    expect(await codeOf(controlRequest(p.path, { method: "status" }, { timeoutMs: 2_000 }))).toBe(
      "CONTROL_BAD_RESPONSE",
    );
    await p.close();
  });

  it("CONTROL_CONNECTION_LOST when the peer hangs up without answering", async () => {
    const p = await peer((s) => s.destroy());
    expect(await codeOf(controlRequest(p.path, { method: "status" }, { timeoutMs: 2_000 }))).toBe(
      "CONTROL_CONNECTION_LOST",
    );
    await p.close();
  });

  it("keeps the agent's code and message of an error answer", async () => {
    const p = await peer((s) =>
      s.end('{"v":1,"ok":false,"error":{"code":"TIMEOUT","message":"Vipps did not answer"}}\n'),
    );
    await expect(
      controlRequest(p.path, { method: "refund", reference: "kasse1-1-aaaa" }, { timeoutMs: 2_000 }),
    ).rejects.toMatchObject({
      code: "TIMEOUT",
      message: "Vipps did not answer",
    });
    await p.close();
  });
});
