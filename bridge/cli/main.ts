#!/usr/bin/env node
import { processContext } from "./context.js";
import { runBridgeCli } from "./program.js";

/** The `pos-bridge` executable (package.json bin; `npm run bridge` = `pos-bridge serve`). */
process.exitCode = await runBridgeCli(process.argv, processContext());
