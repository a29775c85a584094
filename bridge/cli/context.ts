/**
 * What a `pos-bridge` command may touch: its output streams and environment, and the exit code
 * it sets. Injected so commands run in-process in tests exactly as from the shell.
 */
export interface CliContext {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
  exitCode: number;
}

export function processContext(): CliContext {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, exitCode: 0 };
}
