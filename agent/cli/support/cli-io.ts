import { createInterface } from "node:readline";
import type { ExitCode } from "../../../lib/exit-codes.js";

/**
 * Where a command's output goes, injected so the commands run in-process in tests with the
 * output captured, and as `pos-agent …` with the real terminal.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** stderr is a terminal: progress (always on stderr, so stdout stays clean for --json) may redraw its line. */
  readonly isTTY: boolean;
  /** stdin is a terminal: a question can be asked. */
  readonly interactive: boolean;
  /** One line typed by the user (without the newline); "" at end of input. */
  readLine(): Promise<string>;
  setExitCode(code: ExitCode): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
  get interactive() {
    return process.stdin.isTTY === true;
  },
  readLine: () =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin });
      let answered = false;
      rl.once("line", (line) => {
        answered = true;
        rl.close();
        resolve(line);
      });
      rl.once("close", () => {
        if (!answered) resolve("");
      });
    }),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** Captures everything, for in-process tests of a command. */
export interface CapturedIo extends CliIo {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: ExitCode | undefined;
}

export function capturedIo(
  options: { isTTY?: boolean; interactive?: boolean; input?: readonly string[] } = {},
): CapturedIo {
  let stdout = "";
  let stderr = "";
  let exitCode: ExitCode | undefined;
  const input = [...(options.input ?? [])];
  return {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    isTTY: options.isTTY ?? false,
    interactive: options.interactive ?? false,
    readLine: () => Promise.resolve(input.shift() ?? ""),
    setExitCode: (code) => void (exitCode = code),
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get exitCode() {
      return exitCode;
    },
  };
}
