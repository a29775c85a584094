import type { CliContext } from "../../bridge/cli/context.js";

/** A `pos-fleet` command's world: the bridge's CLI context plus standard input (hash-password reads it). */
export interface FleetCliContext extends CliContext {
  readonly stdin: NodeJS.ReadStream | NodeJS.ReadableStream;
}

export function processContext(): FleetCliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    exitCode: 0,
  };
}
