import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { killWithParent } from "./orphan-guard.js";

/** A pty pair from socat standing in for the register cable (the daemon opens a real device). */
export async function socatPair(a: string, b: string): Promise<{ close(): void }> {
  const child: ChildProcess = spawn("socat", [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: "ignore",
  });
  killWithParent(child.pid);
  const failed = new Promise<never>((_, reject) => child.once("error", reject));
  const deadline = Date.now() + 5_000;
  while (!(existsSync(a) && existsSync(b))) {
    if (Date.now() > deadline) throw new Error("socat did not create the pty pair (is socat installed?)");
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 10)), failed]);
  }
  return { close: () => child.kill("SIGTERM") };
}
