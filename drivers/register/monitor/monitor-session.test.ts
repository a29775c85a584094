import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/manual-clock.js";
import { flush } from "../../../test/helpers/register-memory-rig.js";
import { createMemoryCable } from "../memory-transport.js";
import { createRegisterSideLink, type RegisterSideLink } from "../register-side-link.js";
import { createMonitorSession, NO_SESSION_NOTE, type MonitorSession } from "./monitor-session.js";

/** What register-monitor tells a vendor about their register's hello. */

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.reverse()) await stop();
  stops = [];
});

async function monitorAgainst(session: boolean): Promise<string[]> {
  const clock = new ManualClock(0);
  const cable = createMemoryCable({ clock });
  const printed: string[] = [];
  const timing = { clock, ackTimeoutMs: 1000, maxRetransmits: 3, heartbeatIntervalMs: 0 };
  const monitor: MonitorSession = createMonitorSession({
    ...timing,
    transport: cable.a,
    tillId: "kasse1",
    print: (line) => printed.push(line),
  });
  const register: RegisterSideLink = createRegisterSideLink({
    ...timing,
    transport: cable.b,
    id: "R1",
    software: "pos/1",
    session,
    handler: () => ({ ok: true }),
  });
  stops.push(
    () => monitor.stop(),
    () => register.stop(),
  );
  register.start();
  monitor.start();
  await flush();
  clock.advance(1000);
  await flush();
  expect(monitor.link.state).toBe("up");
  return printed;
}

describe("register-monitor session", () => {
  it("shows the register's hello with its session when up", async () => {
    const printed = await monitorAgainst(true);
    expect(printed).toContainEqual(
      expect.stringMatching(/^● link up — hello from register R1 \(pos\/1, session [0-9a-f]{16}\)$/),
    );
    expect(printed).toContainEqual(
      expect.stringMatching(
        /^→ #1 hello from agent register-monitor-kasse1 \(.*, till kasse1, session [0-9a-f]{16}\)$/,
      ),
    );
    expect(printed).not.toContain(NO_SESSION_NOTE);
  });

  it("notes a hello without a session: the register follows only the v1 contract there", async () => {
    const printed = await monitorAgainst(false);
    const up = printed.findIndex((line) => line.startsWith("● link up — hello from register R1 (pos/1)"));
    expect(up).toBeGreaterThanOrEqual(0);
    expect(printed[up + 1]).toBe(NO_SESSION_NOTE);
  });
});
