import { existsSync } from "node:fs";
import { fail, ok, warn, type Check } from "./check.js";
import type { DoctorContext } from "./context.js";

const NTP_HINT =
  "the Pi has no real-time clock: it needs NTP (UDP 123 out); timedatectl, systemctl status systemd-timesyncd";

/**
 * The system clock is synchronised: TLS certificates and Vipps tokens look invalid on a Pi
 * whose clock is still at its last shutdown. systemd-timesyncd's flag file, else timedatectl
 * (chrony and others report through it); on a machine with neither it cannot tell (warn).
 */
export const clockCheck: Check<DoctorContext> = {
  id: "clock",
  title: "clock",
  timeoutMs: 5_000,
  async run(context) {
    const now = new Date(context.clock.now()).toISOString();
    if (existsSync(context.timesyncFlag)) return ok(`synchronised (systemd-timesyncd), ${now}`);
    const answer = await context.exec("timedatectl", ["show", "-p", "NTPSynchronized", "--value"], 3_000);
    if ("error" in answer || answer.code !== 0) {
      return warn(
        `cannot tell whether the clock is synchronised (no systemd-timesyncd flag, no timedatectl); it says ${now}`,
        `compare with a real clock; ${NTP_HINT}`,
      );
    }
    const value = answer.stdout.trim();
    if (value === "yes") return ok(`synchronised (timedatectl), ${now}`);
    return fail(`not synchronised (timedatectl: NTPSynchronized=${value || "?"}); it says ${now}`, NTP_HINT);
  },
};
