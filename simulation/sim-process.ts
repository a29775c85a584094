/** One simulated agent process, and how a crash ends it: its code stops reaching the world. */
import type { RunningAgent } from "../agent/runtime/agent.js";
import type { ProcessClock } from "./sim-clock.js";

/** A crash: thrown out of the crashing process's code; nothing it does afterwards reaches the world. */
export class Crash extends Error {}

/**
 * A crash thrown inside the journal transaction unwinds through whatever called the agent code:
 * a timer (caught in `fire`), but also a promise continuation or an immediate. Those reach the
 * process as uncaught; they are the dead process's last act, not a failure of the simulation.
 * Anything else still ends the run.
 */
let crashesSwallowed = false;
export function swallowCrashes(): void {
  if (crashesSwallowed) return;
  crashesSwallowed = true;
  process.on("uncaughtException", (error) => {
    if (error instanceof Crash) return;
    console.error(error);
    process.exit(70);
  });
  process.on("unhandledRejection", (reason) => {
    if (reason instanceof Crash) return;
    console.error(reason);
    process.exit(70);
  });
}

export interface Process {
  readonly n: number;
  readonly dir: string;
  readonly clock: ProcessClock;
  agent: RunningAgent | undefined;
  alive: boolean;
}
