import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { errorMessage } from "../../../lib/errors.js";
import { EXIT, type ExitCode } from "../../../lib/exit-codes.js";
import { terminalSafe } from "../../../lib/terminal-text.js";
import { unitNodeFlags } from "../../systemd/index.js";
import { codeCacheFiles, sameFlags, THIS_RUNTIME, type CodeCacheFiles } from "../code-cache/files.js";
import { compileCachedDaemon } from "../code-cache/load.js";
import { writeCodeCache } from "../code-cache/write.js";
import { processIo, type CliIo } from "../support/cli-io.js";

/** Set in the node this command starts with the daemon's flags, so it never starts another. */
const WITH_DAEMON_FLAGS = "POS_AGENT_CODE_CACHE_CHILD";

interface CodeCacheOptions {
  check?: boolean;
  nodeFlags?: string;
}

/**
 * `pos-agent code-cache [--check]`: compiles the daemon once and keeps V8's code for it beside
 * the bundle, so `pos-agent run` starts without compiling it again (docs/operations.md, "Start-up
 * and the code cache"). V8 takes a cache only under the node flags it was made with, so when
 * this process runs with others it runs itself again with the daemon's: the service unit's
 * (`<dist>/../systemd/pos-agent.service`), or `--node-flags`. install.sh runs it as root;
 * again after upgrading node. `--check` says whether the daemon would use the cache (exit 0 yes,
 * 1 no) and changes nothing.
 */
export function registerCodeCacheCommand(program: Command, distDir: string, io: CliIo = processIo): void {
  program
    .command("code-cache")
    .description("compile the daemon once and keep the code, so `pos-agent run` starts faster (as root)")
    .option("--check", "only say whether the daemon would use the code cache (exit 0 yes, 1 no)")
    .option("--node-flags <flags>", "node flags the daemon runs with (default: the service unit's)")
    .action((options: CodeCacheOptions) => {
      const files = codeCacheFiles(distDir);
      const fail = (code: ExitCode, text: string): void => {
        io.err(`✗ ${terminalSafe(text)}\n`);
        io.setExitCode(code);
      };
      if (!isFile(files.bundle)) {
        fail(
          EXIT.UNAVAILABLE,
          `no daemon bundle at ${files.bundle}: this build has none (npm run build makes it)`,
        );
        return;
      }
      let flags: string[];
      try {
        flags = options.nodeFlags?.split(" ").filter((flag) => flag !== "") ?? daemonFlags(distDir);
      } catch (error) {
        fail(EXIT.UNAVAILABLE, `${errorMessage(error)}; or say them with --node-flags`);
        return;
      }
      if (!sameFlags(flags, THIS_RUNTIME.nodeFlags)) {
        if (process.env[WITH_DAEMON_FLAGS] !== undefined) {
          fail(EXIT.SOFTWARE, `node did not take the flags "${flags.join(" ")}"`);
          return;
        }
        io.setExitCode(runWithFlags(flags));
        return;
      }
      if (options.check === true) check(files, io);
      else write(files, io, fail);
    });
}

/** The service unit's node flags, from the unit file shipped beside this build. */
function daemonFlags(distDir: string): string[] {
  const unitFile = join(distDir, "..", "systemd", "pos-agent.service");
  let text: string;
  try {
    text = readFileSync(unitFile, "utf8");
  } catch (error) {
    throw new Error(`cannot read the service unit ${unitFile}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    return unitNodeFlags(text);
  } catch (error) {
    throw new Error(`${unitFile}: ${errorMessage(error)}`, { cause: error });
  }
}

/** This command again in a node started with `flags`; its exit code. */
function runWithFlags(flags: readonly string[]): ExitCode {
  const script = process.argv[1] ?? "";
  const result = spawnSync(process.execPath, [...flags, script, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, [WITH_DAEMON_FLAGS]: "1" },
  });
  const known = Object.values(EXIT) as number[];
  return known.includes(result.status ?? -1) ? (result.status as ExitCode) : EXIT.SOFTWARE;
}

function check(files: CodeCacheFiles, io: CliIo): void {
  const compiled = compileCachedDaemon(files);
  if ("script" in compiled) {
    io.out(`✓ the daemon uses its code cache (${files.cache})\n`);
    io.setExitCode(EXIT.OK);
    return;
  }
  io.out(`✗ the daemon does not use a code cache: ${terminalSafe(compiled.reason)}\n`);
  io.setExitCode(EXIT.FAILURE);
}

function write(files: CodeCacheFiles, io: CliIo, fail: (code: ExitCode, text: string) => void): void {
  try {
    if (writeCodeCache(files) === "up to date") {
      io.out(`✓ the code cache is up to date (${files.cache})\n`);
    } else {
      const kB = Math.round(statSync(files.cache).size / 1024);
      io.out(
        `✓ code cache written: ${files.cache} (${kB} kB), for node ${THIS_RUNTIME.node} with "${THIS_RUNTIME.nodeFlags.join(" ")}"\n`,
      );
    }
    io.setExitCode(EXIT.OK);
  } catch (error) {
    const denied = (error as NodeJS.ErrnoException).code === "EACCES";
    if (denied) fail(EXIT.NOPERM, `${errorMessage(error)}: run it as root (sudo pos-agent code-cache)`);
    else fail(EXIT.SOFTWARE, `the code cache could not be made: ${errorMessage(error)}`);
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
