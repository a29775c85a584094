import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_BIN } from "./cli.js";

/**
 * Runs the built `pos-agent` with a real pseudo-terminal as its stdin, stdout and stderr — as
 * when a technician types the command over SSH — and returns every byte the terminal received.
 * `socat` makes the pty (EXEC:…,pty) and copies what the command writes to it. Needs `socat`.
 */
export interface TerminalRun {
  /** Everything written to the terminal (stdout and stderr interleaved, as on a screen). */
  readonly screen: string;
  readonly code: number | null;
}

const EXIT_MARK = "\n@@exit=";

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export async function runOnTerminal(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<TerminalRun> {
  const dir = mkdtempSync(join(tmpdir(), "pos-terminal-"));
  try {
    // socat splits EXEC's argument on spaces: a script keeps the arguments intact.
    const script = join(dir, "run.sh");
    const command = [process.execPath, AGENT_BIN, ...args].map(shellQuote).join(" ");
    writeFileSync(script, `#!/bin/sh\n${command}\nprintf '${EXIT_MARK.replace("\n", "\\n")}%s\\n' "$?"\n`);
    chmodSync(script, 0o700);
    const raw = await new Promise<string>((resolve, reject) => {
      const child = spawn("socat", ["-u", `EXEC:${script},pty,setsid,ctty,stderr,rawer`, "STDOUT"], {
        env: { ...process.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      // Decoded as a stream: a chunk may end inside a UTF-8 character.
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (d: string) => (out += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
      child.on("error", reject);
      child.on("close", () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
    const at = raw.lastIndexOf(EXIT_MARK);
    if (at === -1) return { screen: raw, code: null };
    return { screen: raw.slice(0, at), code: Number(raw.slice(at + EXIT_MARK.length).trim()) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** C0 (but newline), DEL and C1: what a terminal would obey rather than show. */
export const TERMINAL_CONTROLS = /(?!\n)\p{Cc}/u;
