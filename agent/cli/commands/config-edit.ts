import { dirname, isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { stringify } from "yaml";
import { ConfigError, parseConfigText, readConfigText, readYaml } from "../../../config/load.js";
import { errorMessage } from "../../../lib/errors.js";
import { terminalSafe, terminalSafeJson, terminalSafeValue } from "../../../lib/terminal-text.js";
import { findKey, setConfigValue, type ConfigEditCode } from "../config-edit/edit-config.js";
import { writeFileAtomic } from "../config-edit/write-atomic.js";
import { EXIT, type ExitCode } from "../../../lib/exit-codes.js";
import { processIo, type CliIo } from "../support/cli-io.js";
import { DEFAULT_CONFIG_FILE } from "./config.js";

/**
 * `pos-agent config get <key>` and `pos-agent config set <key> <value>`, added to the existing
 * `config` command. Keys are the schema's dotted keys (`printer.uri`, `mqtt.keepaliveSeconds`).
 *
 * `set` types the value by the schema, validates the whole resulting file with the loader's
 * rules, keeps the file's comments and layout, and replaces the file atomically with its mode
 * and owner (write-atomic.ts). Nothing is written when anything is wrong. Exit 0 done,
 * 64 unknown key / secret / value of the wrong type, 78 the result would be an invalid config
 * (every problem listed), 77 the file may not be written by this user. The running agent
 * applies `log.*` on SIGHUP and everything else after a restart.
 */
export function registerConfigEditCommands(program: Command, io: CliIo = processIo): void {
  const config =
    program.commands.find((c) => c.name() === "config") ??
    program.command("config").description("check and edit the configuration file");

  config
    .command("get")
    .description("print a key's value (with defaults applied), e.g. printer.uri")
    .argument("<key>", "dotted key, e.g. printer.uri or mqtt.keepaliveSeconds")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .action((key: string, options: { config: string }) => {
      const text = readText(io, options.config);
      if (text === undefined) return;
      const found = findKey(key, secretsDirectoryOf(options.config, text));
      if (!found.ok) {
        refuse(io, found.code, found.problems, "");
        return;
      }
      // A file that does not even read as YAML (syntax, aliases) has no value to show.
      const yaml = readYaml(text);
      if (!yaml.ok) {
        refuse(io, "CONFIG_INVALID", yaml.problems, "");
        return;
      }
      const parsed = parseConfigText(text);
      let value: unknown;
      if (parsed.config !== undefined) {
        value = found.path.reduce<unknown>(
          (node, segment) => (node as Record<string, unknown> | undefined)?.[segment],
          parsed.config,
        );
      } else {
        io.err(
          `! ${options.config} is not a valid config (pos-agent config check); showing the value as written\n`,
        );
        value = yaml.doc.getIn(found.path);
      }
      if (value === undefined) {
        io.err(`${key} is not set\n`);
        io.setExitCode(EXIT.FAILURE);
        return;
      }
      io.out(
        typeof value === "object" && value !== null
          ? stringify(terminalSafeValue(value))
          : `${scalarText(value)}\n`,
      );
      io.setExitCode(EXIT.OK);
    });

  config
    .command("set")
    .description(
      "set a key (validated, comments kept, written atomically), e.g. config set printer.uri tcp://10.0.0.5:9100",
    )
    .argument("<key>", "dotted key, e.g. printer.uri")
    .argument("<value>", 'the value; lists as [a, b] or ["a b", "c"]')
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .action((key: string, value: string, options: { config: string }) => {
      const text = readText(io, options.config);
      if (text === undefined) return;
      const result = setConfigValue(text, key, value, secretsDirectoryOf(options.config, text));
      if (!result.ok) {
        refuse(io, result.code, result.problems, "nothing written");
        return;
      }
      const shown = (v: unknown): string =>
        v === undefined
          ? "(not set)"
          : typeof v === "object"
            ? terminalSafeJson(JSON.stringify(v))
            : scalarText(v);
      if (!result.changed) {
        io.out(`= ${key} is already ${shown(result.value)}; nothing written\n`);
        io.setExitCode(EXIT.OK);
        return;
      }
      try {
        writeFileAtomic(options.config, result.text);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        io.err(
          `✗ cannot write ${options.config}: ${errorMessage(error)}${code === "EACCES" || code === "EPERM" ? "\n  the config belongs to root: sudo pos-agent config set …" : ""}\n`,
        );
        io.setExitCode(code === "EACCES" || code === "EPERM" ? EXIT.NOPERM : EXIT.UNAVAILABLE);
        return;
      }
      io.out(`✓ ${key}: ${shown(result.previous)} → ${shown(result.value)}\n`);
      io.out(
        key.startsWith("log.")
          ? "  the running agent applies it on SIGHUP: sudo systemctl kill --signal=SIGHUP --kill-whom=main pos-agent\n"
          : "  the running agent applies it after a restart: sudo systemctl restart pos-agent\n",
      );
      io.setExitCode(EXIT.OK);
    });
}

/** Config values are strings, numbers and booleans (objects and lists are printed as YAML or JSON). */
function scalarText(value: unknown): string {
  // A value may be written with escapes in the file ("\e[2J"): shown, never obeyed.
  return typeof value === "string" ? terminalSafe(value) : JSON.stringify(value);
}

/** The file as UTF-8 text, or undefined after saying why not (unreadable, not UTF-8: exit 78). */
function readText(io: CliIo, file: string): string | undefined {
  try {
    return readConfigText(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.problems.map((p) => `✗ ${terminalSafe(file)}: ${terminalSafe(p)}\n`).join(""));
    io.setExitCode(EXIT.CONFIG);
    return undefined;
  }
}

/** For the pointer in a refusal: the configured secrets directory, resolved like the loader does. */
function secretsDirectoryOf(file: string, text: string): string {
  const configured = parseConfigText(text).config?.secrets.directory ?? "secrets";
  return isAbsolute(configured) ? configured : resolve(dirname(resolve(file)), configured);
}

const EXIT_FOR: Readonly<Record<ConfigEditCode, ExitCode>> = {
  CONFIG_UNKNOWN_KEY: EXIT.USAGE,
  CONFIG_SECRET_KEY: EXIT.USAGE,
  CONFIG_BAD_VALUE: EXIT.USAGE,
  CONFIG_INVALID: EXIT.CONFIG,
};

function refuse(io: CliIo, code: ConfigEditCode, problems: readonly string[], outcome: string): void {
  const facts = [outcome, code === "CONFIG_INVALID" ? `${problems.length} problem(s)` : ""]
    .filter((f) => f !== "")
    .join("; ");
  io.err(
    `✗ ${code}${facts === "" ? "" : `: ${facts}`}\n${problems.map((p) => `  ${terminalSafe(p)}\n`).join("")}`,
  );
  io.setExitCode(EXIT_FOR[code]);
}
