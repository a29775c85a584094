import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ControlApiDouble, serveAgentSockets } from "../../../test/helpers/control-api-double.js";
import { runCommand, writeAgentConfig } from "../../../test/helpers/technician-cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { registerRefundCommand } from "./refund.js";
import { registerReprintCommand } from "./reprint.js";

describe("pos-agent refund and reprint through the agent's control socket", () => {
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let api: ControlApiDouble;
  let server: { close(): Promise<void> };

  beforeEach(async () => {
    dir = tempDir();
    configFile = writeAgentConfig(dir.path);
    api = new ControlApiDouble();
    server = await serveAgentSockets(dir.path, api);
  });
  afterEach(async () => {
    await server.close();
    dir.cleanup();
  });

  const refundCalls = (): unknown[] => api.calls.filter((c) => c.method === "refund").map((c) => c.args);

  it("refunds 12.50 as 1250 minor units after a yes on the terminal", async () => {
    const io = await runCommand(
      registerRefundCommand,
      ["refund", "kasse1-1002-aaaa", "12.50", "--config", configFile],
      { interactive: true, input: ["y"] },
    );
    expect(io.stderr).toContain("Refund NOK 12.50 of payment kasse1-1002-aaaa? [y/N]");
    expect(io.exitCode).toBe(EXIT.OK);
    expect(refundCalls()).toEqual([["kasse1-1002-aaaa", 1250]]);
    expect(io.stdout).toContain(
      "✓ refunded: sale S-1002 (#2), kasse1-1002-aaaa — captured NOK 61.50, refunded NOK 12.50 in total, now captured",
    );
  });

  it("takes minor units and a decimal comma too, and the rest when no amount is given", async () => {
    await runCommand(registerRefundCommand, [
      "refund",
      "kasse1-1002-aaaa",
      "1000",
      "--yes",
      "--config",
      configFile,
    ]);
    await runCommand(registerRefundCommand, [
      "refund",
      "kasse1-1002-aaaa",
      "0,50",
      "--yes",
      "--config",
      configFile,
    ]);
    const rest = await runCommand(registerRefundCommand, [
      "refund",
      "kasse1-1002-aaaa",
      "--yes",
      "--json",
      "--config",
      configFile,
    ]);
    expect(refundCalls()).toEqual([
      ["kasse1-1002-aaaa", 1000],
      ["kasse1-1002-aaaa", 50],
      ["kasse1-1002-aaaa", undefined],
    ]);
    expect(JSON.parse(rest.stdout)).toMatchObject({
      saleId: "S-1002",
      state: "refunded",
      refundedAmount: 6150,
    });
  });

  it("refuses amounts it would have to guess, before asking the agent (exit 64)", async () => {
    for (const amount of ["12.5", "12.505", "1e3", "-5", "0", "12.50.1", "0x10", "65000001"]) {
      const io = await runCommand(registerRefundCommand, [
        "refund",
        "kasse1-1002-aaaa",
        amount,
        "--yes",
        "--config",
        configFile,
      ]);
      expect(io.exitCode, amount).toBe(EXIT.USAGE);
      expect(io.stderr, amount).toMatch(/expected (minor units|1 to)/);
    }
    const badReference = await runCommand(registerRefundCommand, [
      "refund",
      "short",
      "--yes",
      "--config",
      configFile,
    ]);
    expect(badReference.exitCode).toBe(EXIT.USAGE);
    expect(refundCalls()).toEqual([]);
  });

  it("moves no money without a confirmation", async () => {
    const no = await runCommand(
      registerRefundCommand,
      ["refund", "kasse1-1002-aaaa", "--config", configFile],
      { interactive: true, input: ["n"] },
    );
    expect(no.exitCode).toBe(EXIT.USAGE);
    expect(no.stderr).toContain("not refunded (not confirmed)");
    const script = await runCommand(
      registerRefundCommand,
      ["refund", "kasse1-1002-aaaa", "--config", configFile],
      { interactive: false },
    );
    expect(script.exitCode).toBe(EXIT.USAGE);
    expect(script.stderr).toContain("add --yes");
    expect(refundCalls()).toEqual([]);
  });

  it("shows the agent's refusal with its code and exits 1", async () => {
    const tooMuch = await runCommand(registerRefundCommand, [
      "refund",
      "kasse1-1002-aaaa",
      "100.00",
      "--yes",
      "--config",
      configFile,
    ]);
    expect(tooMuch.exitCode).toBe(EXIT.FAILURE);
    expect(tooMuch.stderr).toContain("✗ REFUND_TOO_LARGE: at most 6150 can be refunded");
    const failed = await runCommand(registerRefundCommand, [
      "refund",
      "kasse1-1001-bbbb",
      "--yes",
      "--config",
      configFile,
    ]);
    expect(failed.exitCode).toBe(EXIT.FAILURE);
    expect(failed.stderr).toContain("NOT_CAPTURED");
    expect(failed.stderr).toContain("only a captured sale can be refunded");
  });

  it("exits 75 when Vipps' answer does not come in time: the outcome is unknown", async () => {
    api.refundGate = new Promise(() => undefined);
    const io = await runCommand(registerRefundCommand, [
      "refund",
      "kasse1-1002-aaaa",
      "--yes",
      "--timeout",
      "5",
      "--config",
      configFile,
    ]);
    expect(io.exitCode).toBe(EXIT.TEMPFAIL);
    expect(io.stderr).toContain("CONTROL_TIMEOUT");
    expect(io.stderr).toContain("check with pos-agent status before trying again");
  }, 15_000);

  it("reprints the last captured sale, or a named one, and exits 1 for an unknown sale", async () => {
    const last = await runCommand(registerReprintCommand, ["reprint", "--config", configFile]);
    expect(last.exitCode).toBe(EXIT.OK);
    expect(last.stdout).toBe("✓ copy of sale S-1002 queued on the printer (job S-1002:sale:copy)\n");
    const byReference = await runCommand(registerReprintCommand, [
      "reprint",
      "kasse1-1001-bbbb",
      "--json",
      "--config",
      configFile,
    ]);
    expect(JSON.parse(byReference.stdout)).toEqual({ saleId: "S-1001", jobId: "S-1001:sale:copy" });
    const unknown = await runCommand(registerReprintCommand, ["reprint", "999", "--config", configFile]);
    expect(unknown.exitCode).toBe(EXIT.FAILURE);
    expect(unknown.stderr).toContain("UNKNOWN_SALE");
    expect(api.calls.filter((c) => c.method === "reprint").map((c) => c.args)).toEqual([
      [undefined],
      ["kasse1-1001-bbbb"],
      ["999"],
    ]);
  });

  it("exits 69 when the agent is not running", async () => {
    await server.close();
    const io = await runCommand(registerReprintCommand, ["reprint", "--config", configFile]);
    expect(io.exitCode).toBe(EXIT.UNAVAILABLE);
    expect(io.stderr).toContain("the agent is not running");
  });
});
