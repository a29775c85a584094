import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSystem, type RunningSystem } from "../../demo/system.js";
import { decodeEscPos } from "../helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startAgentProcess, type AgentProcess } from "./agent-process.js";

describe("status ticket at boot (printer.statusTicketAtBoot)", () => {
  let dir: ReturnType<typeof tempDir>;
  let printer: TcpTestPrinter;
  let system: RunningSystem;
  let agent: AgentProcess;

  beforeAll(async () => {
    dir = tempDir("pos-ticket-");
    printer = await startTcpTestPrinter("online");
    system = await startSystem({
      directory: dir.path,
      config: { printer: { uri: `tcp://127.0.0.1:${printer.port}`, statusTicketAtBoot: true } },
    });
    agent = startAgentProcess(system.configFile, join(dir.path, "agent.log"));
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    await system?.stop();
    await printer?.close();
    dir?.cleanup();
  });

  it("prints version, till and the QR when the daemon starts", async () => {
    // A session opens when the printer driver connects, before the ticket's bytes arrive: wait
    // for the ticket itself, not for the connection.
    const printed = (): ReturnType<typeof decodeEscPos> =>
      decodeEscPos(printer.sessions.reduce((all, s) => Buffer.concat([all, s]), Buffer.alloc(0)));
    await vi.waitFor(() => expect(printed().qrPayloads.length).toBeGreaterThan(0), {
      timeout: 20_000,
      interval: 200,
    });
    const decoded = printed();
    const text = decoded.lines.join("\n");
    expect(text).toContain("pos-agent 0.1.0");
    expect(text).toContain(system.tillId);
    expect(decoded.qrPayloads.map((b) => b.toString("utf8"))).toContain(system.qrContent);
  }, 30_000);
});
