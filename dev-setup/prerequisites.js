#!/usr/bin/env node
/**
 * What `npm start` and `npm test` need before they can run, on a fresh clone:
 *
 *   node dev-setup/prerequisites.js start   Node version; node_modules present and as the lock
 *                                           file says, else `npm ci` (with its build tools).
 *   node dev-setup/prerequisites.js test    the same, and every tool the tests run.
 *   node dev-setup/prerequisites.js check   reports what is missing; installs nothing.
 *   node dev-setup/prerequisites.js apt-packages   the Debian packages of every tool (.ci/run).
 *
 * Missing system tools are installed with apt-get when this runs as root; otherwise it prints
 * the exact command and exits 1. Plain JavaScript without dependencies: it runs before
 * node_modules exists. Works on the current directory (npm runs scripts in the package root).
 */
import { spawnSync } from "node:child_process";
import console from "node:console";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";
import { SYSTEM_TOOLS } from "./system-tools.js";

const root = process.cwd();
const mode = process.argv[2] ?? "check";

/** True when `command` is an executable on PATH — exactly where the tests' spawn() looks. */
function onPath(command) {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function missingTools(groups) {
  return SYSTEM_TOOLS.filter((tool) => groups.includes(tool.for) && !onPath(tool.command));
}

/** `^20.19.0 || >=22.12.0` (package.json engines): Node 20 from 20.19, or 22.12 and later. */
function nodeProblem() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  const ok = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  return ok ? undefined : `Node ${process.versions.node} is too old: use Node 20.19+ or 22.12+ (LTS).`;
}

/**
 * Why node_modules does not match package-lock.json, or undefined when it does: every package
 * the lock file installs on this machine must be there at the locked version. Optional
 * packages (other platforms' binaries) may be absent.
 */
function modulesProblem() {
  const lockFile = join(root, "package-lock.json");
  if (!existsSync(lockFile)) return "package-lock.json is missing";
  if (!existsSync(join(root, "node_modules"))) return "node_modules is missing";
  const lock = JSON.parse(readFileSync(lockFile, "utf8"));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === "" || entry.link === true) continue;
    let installed;
    try {
      installed = JSON.parse(readFileSync(join(root, path, "package.json"), "utf8"));
    } catch {
      if (entry.optional === true) continue;
      return `${path} is missing`;
    }
    if (entry.version !== undefined && installed.version !== entry.version)
      return `${path} is ${installed.version}, package-lock.json says ${entry.version}`;
  }
  return undefined;
}

function aptCommand(tools) {
  const packages = [...new Set(tools.map((t) => t.package))];
  return `apt-get install -y --no-install-recommends ${packages.join(" ")}`;
}

function describe(tools) {
  return tools.map((t) => `  ${t.command.padEnd(17)} (${t.package}): ${t.why}`).join("\n");
}

/** As root: apt-get installs them. Otherwise: says what to run, and exits 1. */
function provide(tools, what) {
  if (tools.length === 0) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && onPath("apt-get")) {
    console.error(`${what} needs:\n${describe(tools)}\ninstalling: ${aptCommand(tools)}`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const run = (args) => spawnSync("apt-get", args, { stdio: "inherit", env }).status === 0;
    if (run(["update", "-qq"]) && run(aptCommand(tools).split(" ").slice(1))) {
      const still = tools.filter((t) => !onPath(t.command));
      if (still.length === 0) return;
      tools = still;
    }
  }
  const sbin = tools.filter((t) => ["/usr/sbin", "/sbin"].some((d) => existsSync(join(d, t.command))));
  console.error(`${what} needs these programs, which are not on your PATH:\n${describe(tools)}`);
  if (sbin.length > 0)
    console.error(
      `${sbin.map((t) => t.command).join(", ")} is in /usr/sbin: add it, export PATH="$PATH:/usr/sbin"`,
    );
  console.error(
    `Install them (Debian, Ubuntu, Raspberry Pi OS) with:\n  ${isRoot ? "" : "sudo "}${aptCommand(tools)}`,
  );
  process.exit(1);
}

function ensureModules(what) {
  const problem = modulesProblem();
  if (problem === undefined) return;
  provide(missingTools(["install"]), `${what} (npm ci, to build the native modules)`);
  console.error(`${problem}: running npm ci`);
  // The npm that runs this script, when there is one.
  const npm = process.env.npm_execpath;
  const ci = ["ci", "--no-audit", "--no-fund"];
  const result =
    npm === undefined
      ? spawnSync("npm", ci, { stdio: "inherit", shell: process.platform === "win32" })
      : spawnSync(process.execPath, [npm, ...ci], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error("npm ci failed (see above)");
    process.exit(1);
  }
}

function failOnOldNode() {
  const problem = nodeProblem();
  if (problem === undefined) return;
  console.error(problem);
  process.exit(1);
}

switch (mode) {
  case "start":
    failOnOldNode();
    ensureModules("npm start");
    break;
  case "test":
    failOnOldNode();
    provide(missingTools(["install", "test"]), "npm test");
    ensureModules("npm test");
    break;
  case "check": {
    const problems = [
      nodeProblem(),
      modulesProblem(),
      ...missingTools(["install", "test"]).map((t) => `${t.command} (${t.package}) is not on PATH`),
    ].filter((p) => p !== undefined);
    for (const p of problems) console.error(p);
    process.exit(problems.length === 0 ? 0 : 1);
    break;
  }
  case "apt-packages":
    console.log([...new Set(SYSTEM_TOOLS.map((t) => t.package))].join(" "));
    break;
  default:
    console.error(`usage: node dev-setup/prerequisites.js start | test | check | apt-packages`);
    process.exit(64);
}
