import type { CodeCacheUse } from "./code-cache/use.js";
import { registerRunCommand } from "./commands/run.js";
import { newProgram, parseProgram } from "./program.js";

/**
 * `pos-agent run` and nothing else: the entry of the daemon's CommonJS bundle
 * (rolldown.config.ts), which code-cache/load.ts compiles with its V8 code cache and calls.
 */
export async function main(argv: readonly string[], codeCache: CodeCacheUse): Promise<void> {
  const program = newProgram();
  registerRunCommand(program, codeCache);
  await parseProgram(program, argv);
}
