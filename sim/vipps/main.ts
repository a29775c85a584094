#!/usr/bin/env node
import { createLogger } from "../../lib/log.js";
import { errorMessage } from "../../lib/errors.js";
import { parseSimArgs, startupText, USAGE } from "./cli.js";
import { isSimError } from "./errors.js";
import { startVippsSimulator } from "./simulator.js";

/** `npm run sim -- --port 8080`: the simulator on real time until SIGINT/SIGTERM. */
async function main(argv: readonly string[]): Promise<void> {
  let cli;
  try {
    cli = parseSimArgs(argv);
  } catch (error) {
    process.stderr.write(`vipps-sim: ${errorMessage(error)}\n\n${USAGE}`);
    process.exitCode = 64;
    return;
  }
  if (cli.help) {
    process.stdout.write(USAGE);
    return;
  }
  const logger = createLogger({ level: cli.logLevel });
  const sim = await startVippsSimulator({ ...cli.options, logger });
  process.stdout.write(startupText(sim));
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`vipps-sim: ${errorMessage(error)}\n`);
  process.exitCode = isSimError(error) ? 64 : 69;
});
