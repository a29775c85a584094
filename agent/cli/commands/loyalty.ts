import type { Command } from "commander";
import { ConfigError } from "../../../config/load.js";
import { errorMessage } from "../../../lib/errors.js";
import { maskPhone } from "../../../lib/log.js";
import { terminalSafe } from "../../../lib/terminal-text.js";
import {
  importMembers,
  isLoyaltyError,
  memberCsvLine,
  membersCsvHeader,
  membersFileText,
  normalizeMsisdn,
  type RowProblem,
  type StoredMember,
} from "../../loyalty/index.js";
import { writeAll } from "../../loyalty/blocking-io.js";
import { writePrivateFile } from "../../loyalty/private-file.js";
import { openMemberStore, StoreAccessError, type OpenedStore } from "../../loyalty/store-access.js";
import { JOURNAL_FILE } from "../../journal/journal-access.js";
import { EXIT, type ExitCode } from "../../../lib/exit-codes.js";
import { describeConfigError, readConfigFile } from "../support/config-file.js";
import { DEFAULT_CONFIG_FILE } from "./config.js";

/**
 * `pos-agent loyalty import|export|forget|list|prune`: the technician's tools for the built-in
 * members table (docs/loyalty.md). Run as the agent's user (`sudo -u pos-agent …`), beside a
 * running agent. Results go to stdout, problems to stderr; phone numbers are shown masked.
 */
interface Common {
  config: string;
}

const out = (text: string): void => void process.stdout.write(`${text}\n`);
const err = (text: string): void => void process.stderr.write(`${text}\n`);

/** Opens the store, runs `work`, maps the known failures to exit codes. */
function withStore(options: Common, work: (opened: OpenedStore) => ExitCode): void {
  let opened: OpenedStore;
  try {
    // The config file only: the secrets are root's, and these commands need none.
    opened = openMemberStore(readConfigFile(options.config).config, JOURNAL_FILE);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(describeConfigError(error));
      process.exitCode = EXIT.CONFIG;
      return;
    }
    if (!(error instanceof StoreAccessError)) throw error;
    err(`✗ ${error.message}`);
    process.exitCode = EXIT.NOPERM;
    return;
  }
  try {
    if (opened.config.loyalty.backend === "http") {
      err(
        "note: loyalty.backend is http — this works on the agent's built-in table only; members in the merchant's service are not touched",
      );
    }
    process.exitCode = work(opened);
  } finally {
    opened.close();
  }
}

const problemLine = (p: RowProblem): string => `  line ${p.line}: ${terminalSafe(p.problem)}`;

function listProblems(problems: readonly RowProblem[], count: number): void {
  problems.forEach((p) => err(problemLine(p)));
  if (count > problems.length) err(`  … and ${count - problems.length} more problem(s) not listed`);
}

function importAction(file: string, options: Common & { skipInvalid?: boolean; dryRun?: boolean }): void {
  const name = terminalSafe(file === "-" ? "stdin" : file);
  withStore(options, ({ store }) => {
    try {
      const report = importMembers(store, membersFileText(file), {
        now: Date.now(),
        skipInvalid: options.skipInvalid === true,
        dryRun: options.dryRun === true,
      });
      const counts = `${report.added} new, ${report.updated} updated`;
      const skipped = report.skippedRows === 0 ? "" : `, ${report.skippedRows} bad row(s) skipped`;
      out(
        options.dryRun === true
          ? `✓ ${name}: ${report.added + report.updated} member(s) would be imported (${counts})${skipped}; dry run, nothing changed`
          : `✓ imported ${report.added + report.updated} member(s) from ${name} (${counts})${skipped}`,
      );
      if (report.skippedRows > 0)
        err(`${report.skippedRows} row(s) skipped, with ${report.problemCount} problem(s):`);
      listProblems(report.problems, report.problemCount);
      return EXIT.OK;
    } catch (error) {
      if (isLoyaltyError(error, ["LOYALTY_CSV_UNREADABLE", "LOYALTY_CONFLICT"])) {
        err(`✗ ${terminalSafe(error.message)}`);
        return EXIT.FAILURE;
      }
      if (!isLoyaltyError(error, "LOYALTY_CSV_INVALID")) throw error;
      const problems = (error.details.problems ?? []) as RowProblem[];
      if (error.details.header === true)
        err(`✗ ${name}: the header line is not usable; nothing was imported`);
      else
        err(
          `✗ ${name}: ${String(error.details.problemCount)} problem(s) in ${String(error.details.skippedRows)} row(s); nothing was imported (fix them, or use --skip-invalid to import the good rows)`,
        );
      listProblems(problems, Number(error.details.problemCount ?? problems.length));
      return EXIT.FAILURE;
    }
  });
}

function exportAction(file: string, options: Common & { force?: boolean }): void {
  withStore(options, ({ store }) => {
    let count = 0;
    // On a terminal the values are shown, not obeyed; into a file or a pipe they go as stored.
    const toTerminal = file === "-" && process.stdout.isTTY;
    const shown = (line: string): string =>
      toTerminal ? `${terminalSafe(line.replace(/\r\n$/, ""))}\n` : line;
    function* csv(): Generator<string> {
      yield shown(membersCsvHeader());
      for (const member of store.all()) {
        count++;
        yield shown(memberCsvLine(member));
      }
    }
    if (file === "-") {
      try {
        writeAll(1, csv());
      } catch (error) {
        // The reader went away (`… | head`): what it read is what it wanted.
        if ((error as NodeJS.ErrnoException).code !== "EPIPE") throw error;
      }
      return EXIT.OK;
    }
    try {
      writePrivateFile(file, csv(), options.force === true);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      err(
        code === "EEXIST"
          ? `✗ ${terminalSafe(file)} exists; use --force to replace it`
          : `✗ cannot write ${terminalSafe(file)}: ${code ?? errorMessage(error)}`,
      );
      return EXIT.FAILURE;
    }
    out(`✓ exported ${count} member(s) to ${terminalSafe(file)} (mode 0600: it holds phone numbers)`);
    return EXIT.OK;
  });
}

const who = (m: StoredMember): string => `member ${m.memberId} (phone ${maskPhone(m.msisdn)})`;

function forgetAction(options: Common & { phone?: string; member?: string }): void {
  if ((options.phone === undefined) === (options.member === undefined)) {
    err("✗ name the member to forget: --phone <number> or --member <id>");
    process.exitCode = EXIT.USAGE;
    return;
  }
  let msisdn: string | undefined;
  if (options.phone !== undefined) {
    try {
      msisdn = normalizeMsisdn(options.phone);
    } catch (error) {
      err(`✗ --phone: ${errorMessage(error)}`);
      process.exitCode = EXIT.USAGE;
      return;
    }
  }
  withStore(options, ({ store }) => {
    const forgotten =
      msisdn === undefined ? store.forgetById(options.member ?? "") : store.forgetByMsisdn(msisdn);
    if (forgotten !== undefined)
      out(
        `✓ forgot ${terminalSafe(who(forgotten))}: deleted from the loyalty store with everything stored about them`,
      );
    else
      out(
        `✓ no member with ${msisdn === undefined ? `id ${terminalSafe(options.member ?? "")}` : `phone ${maskPhone(msisdn)}`}: nothing to delete`,
      );
    return EXIT.OK;
  });
}

function listAction(options: Common & { count?: boolean }): void {
  withStore(options, ({ store }) => {
    if (options.count === true) {
      out(String(store.count()));
      return EXIT.OK;
    }
    const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
    out(
      [
        "member id".padEnd(16),
        "tier".padEnd(12),
        "phone".padEnd(16),
        "enrolled".padEnd(11),
        "last seen",
        "login",
      ].join(" "),
    );
    let n = 0;
    for (const m of store.all()) {
      n++;
      out(
        [
          terminalSafe(m.memberId).padEnd(16),
          terminalSafe(m.tier ?? "-").padEnd(12),
          maskPhone(m.msisdn).padEnd(16),
          day(m.enrolledAt).padEnd(11),
          day(m.lastSeenAt).padEnd(9),
          m.sub === undefined ? "no" : "yes",
        ].join(" "),
      );
    }
    out(`${n} member(s)`);
    return EXIT.OK;
  });
}

function pruneAction(options: Common): void {
  withStore(options, ({ store, config }) => {
    const days = config.loyalty.retentionDays;
    out(
      `✓ deleted ${store.prune(Date.now(), days)} member(s) not seen for ${days} days (loyalty.retentionDays)`,
    );
    return EXIT.OK;
  });
}

export function registerLoyaltyCommands(program: Command): void {
  const loyalty = program
    .command("loyalty")
    .description(
      "the built-in loyalty members table: import, export, forget, list, prune (run as the agent's user)",
    );
  const configOption = ["-c, --config <file>", "config file", DEFAULT_CONFIG_FILE] as const;

  loyalty
    .command("import")
    .description(
      "add or update members from a CSV file (docs/loyalty.md); all or nothing unless --skip-invalid",
    )
    .argument("<csv>", "UTF-8 CSV file, or - for stdin")
    .option(...configOption)
    .option("--skip-invalid", "import the good rows and list the bad ones")
    .option("--dry-run", "check the file against the store, change nothing")
    .action(importAction);

  loyalty
    .command("export")
    .description("write every member as CSV (the import format)")
    .argument("[csv]", "file to write (mode 0600), or - for stdout", "-")
    .option(...configOption)
    .option("--force", "replace an existing file")
    .action(exportAction);

  loyalty
    .command("forget")
    .description("erase a member (a GDPR erasure request); saying so when there is none")
    .option(...configOption)
    .option("--phone <msisdn>", "the member's phone number with country code, e.g. +47 912 34 567")
    .option("--member <id>", "or the member id")
    .action(forgetAction);

  loyalty
    .command("list")
    .description("members with masked phone numbers")
    .option(...configOption)
    .option("--count", "print only how many members there are")
    .action(listAction);

  loyalty
    .command("prune")
    .description("delete members not seen for loyalty.retentionDays now (the agent does it daily)")
    .option(...configOption)
    .action(pruneAction);
}
