#!/usr/bin/env node
import { processContext } from "./context.js";
import { runFleetCli } from "./program.js";

/** The `pos-fleet` executable (package.json bin; `npm run fleet` = `pos-fleet serve`). */
process.exitCode = await runFleetCli(process.argv, processContext());
