import Module, { createRequire } from "node:module";
import { dirname } from "node:path";
import { constants, Script } from "node:vm";

/**
 * The daemon's CommonJS bundle compiled as node itself compiles a CommonJS file (the same
 * wrapper), so that V8's cache for it can be made and used: Node 20 keeps no compiled code
 * for ES modules, and `require()` takes no cache.
 */
export function compileDaemon(bundle: string, source: string, cachedData?: Buffer): Script {
  return new Script(Module.wrap(source), {
    filename: bundle,
    // The bundle imports a few packages at run time (the GPIO library, drivers/gpio/): as node
    // would for the file itself.
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
}

type ModuleWrapper = (
  exports: object,
  require: NodeJS.Require,
  module: { exports: object },
  filename: string,
  dirname: string,
) => void;

/** Runs the bundle's top level (every bundled module's) and returns its exports. */
export function evaluateDaemon(script: Script, bundle: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as ModuleWrapper;
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return module.exports;
}
