import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentError } from "../../../lib/errors.js";
import {
  ControlApiDouble,
  defaultSales,
  serveAgentSockets,
} from "../../../test/helpers/control-api-double.js";
import { writeAgentConfig } from "../../../test/helpers/technician-cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { runOnTerminal, TERMINAL_CONTROLS } from "../../../test/helpers/terminal-run.js";
import { EXIT } from "../../../lib/exit-codes.js";

/**
 * Text from the register, Vipps and the agent reaches the technician's terminal only as
 * printable characters: the built `pos-agent` on a real pty, against a control socket that
 * serves hostile strings (what a register's hello id or a Vipps error text can carry).
 */

const ESC = "\u001b";
/** Clears the screen, retitles the window, hides what follows; 8-bit CSI; a bidi override. */
const HOSTILE = `${ESC}[2J${ESC}]0;pwned\u0007${ESC}[8m\u009b2J\u202e`;
const hostile = (visible: string): string => `${HOSTILE}${visible}${ESC}[0m`;

/** What the screen shows once our own progress spinner (which redraws its line) is taken out. */
function obeyed(screen: string): string[] {
  const own = screen.replaceAll("\r\u001b[K", "");
  return [...own].filter((c) => TERMINAL_CONTROLS.test(c)).map((c) => `U+${c.charCodeAt(0).toString(16)}`);
}

describe("foreign text on the technician's terminal (built CLI on a real pty)", () => {
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let api: ControlApiDouble;
  let server: { close(): Promise<void> } | undefined;

  beforeEach(async () => {
    dir = tempDir("pos-foreign-");
    configFile = writeAgentConfig(dir.path);
    const sales = defaultSales().map((s) => ({ ...s, saleId: hostile(`${s.saleId}-Åse`) }));
    api = new ControlApiDouble(sales);
    api.statusValue = {
      ...api.statusValue,
      degraded: [hostile("register odd")],
      links: {
        ...api.statusValue.links,
        register: { state: "up", peer: hostile("KASSE-01 æøå") },
        vipps: { state: "failing", lastError: hostile("VIPPS_SERVER_ERROR: Ugyldig forespørsel") },
      },
      currentSale: {
        saleId: hostile("S-9"),
        saleNo: 9,
        state: hostile("waiting_for_customer"),
        amount: 100,
        currency: "NOK",
        reference: "kasse1-9-cccc",
        updatedAt: "2026-03-02T10:07:00.000Z",
      },
    };
    server = await serveAgentSockets(dir.path, api);
  });
  afterEach(async () => {
    await server?.close();
    dir.cleanup();
  });

  it("status: the register's hello id, Vipps' error and sale ids are shown without their controls", async () => {
    const run = await runOnTerminal(["status", "--config", configFile]);
    expect(run.code).toBe(EXIT.OK);
    expect(obeyed(run.screen)).toEqual([]);
    expect(run.screen).toMatch(/✓ +register +up \(KASSE-01 æøå\)/);
    expect(run.screen).toContain("failing: VIPPS_SERVER_ERROR: Ugyldig forespørsel");
    expect(run.screen).toContain("S-1002-Åse");
    expect(run.screen).toContain("! serving degraded: register odd");
  });

  it("status --json: the same value, with the controls JSON leaves raw escaped", async () => {
    const run = await runOnTerminal(["status", "--config", configFile, "--json"]);
    expect(run.code).toBe(EXIT.OK);
    expect(obeyed(run.screen)).toEqual([]);
    expect(JSON.parse(run.screen)).toEqual(api.statusValue);
  });

  it("reprint and refund print the agent's answer without its controls", async () => {
    const reprint = await runOnTerminal(["reprint", "2", "--config", configFile]);
    expect(reprint.code).toBe(EXIT.OK);
    expect(obeyed(reprint.screen)).toEqual([]);
    expect(reprint.screen).toContain("✓ copy of sale S-1002-Åse queued");

    const refund = await runOnTerminal([
      "refund",
      "kasse1-1002-aaaa",
      "100",
      "--yes",
      "--config",
      configFile,
    ]);
    expect(refund.code).toBe(EXIT.OK);
    expect(obeyed(refund.screen)).toEqual([]);
    expect(refund.screen).toContain("✓ refunded: sale S-1002-Åse (#2)");
  });

  it("an agent's refusal is printed without the controls its message carries", async () => {
    api.reprint = () => Promise.reject(new AgentError("UNKNOWN_SALE", hostile("no sale S-77 hos Åse")));
    const run = await runOnTerminal(["reprint", "S-77", "--config", configFile]);
    expect(run.code).toBe(EXIT.FAILURE);
    expect(obeyed(run.screen)).toEqual([]);
    expect(run.screen).toContain("✗ UNKNOWN_SALE: no sale S-77 hos Åse");
  });

  it("doctor: the agent's view of the register is shown without its controls", async () => {
    const run = await runOnTerminal(["doctor", "--config", configFile], { timeoutMs: 60_000 });
    expect(obeyed(run.screen)).toEqual([]);
    expect(run.screen).toMatch(/register +the agent's link is up \(KASSE-01 æøå\)/);
  }, 60_000);

  it("config get: a value written with escapes in the file is shown without them", async () => {
    const file = writeAgentConfig(dir.path, {
      till: { locationDescription: `Kasse ${ESC}[2J${ESC}]0;x\u00071 på hjørnet` },
    });
    const run = await runOnTerminal(["config", "get", "till.locationDescription", "--config", file]);
    expect(obeyed(run.screen)).toEqual([]);
    expect(run.screen).toContain("Kasse 1 på hjørnet");
  });
});
