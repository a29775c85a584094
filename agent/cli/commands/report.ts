import type { Command } from "commander";
import { localDay, localDayOf, readJournalDay, summarizeDay, endOfDayDocument } from "../../report/index.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { processIo, type CliIo } from "../support/cli-io.js";
import { readConfigFile } from "../support/config-file.js";
import { reportFailure } from "../support/failure.js";
import { jsonOutput } from "../../../lib/terminal-format.js";
import { withJournal } from "../../journal/journal-access.js";
import { printDocument } from "../support/print-document.js";
import { renderReport } from "../support/report-text.js";
import { DEFAULT_CONFIG_FILE } from "./config.js";

interface ReportOptions {
  config: string;
  date?: string;
  print?: boolean;
  json?: boolean;
}

/**
 * `pos-agent report [--date YYYY-MM-DD] [--print] [--json]`: the end of day from the journal,
 * read-only — sales finished that day (captured, failed, cancelled), refunds confirmed that day,
 * VAT per rate of the captured sales, in the till's local day (the machine's time zone).
 * `--print` also prints it on the receipt printer (through the agent while it runs). Exit 0,
 * 64 bad date, 69 no journal / printer trouble, 77 journal not accessible.
 */
export function registerReportCommand(program: Command, io: CliIo = processIo): void {
  program
    .command("report")
    .description("end-of-day report from the journal: sales, captured, refunded, VAT per rate")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .option("--date <YYYY-MM-DD>", "the day, in the till's time zone (default: today)")
    .option("--print", "also print it on the receipt printer")
    .option("--json", "print the report as JSON")
    .action(async (options: ReportOptions) => {
      try {
        const { config } = readConfigFile(options.config);
        const day = options.date === undefined ? localDayOf(Date.now()) : localDay(options.date);
        const summary = withJournal(config.storage.directory, "read", (_journal, db) =>
          summarizeDay(day, readJournalDay(db, day.from, day.to), {
            id: config.till.id,
            currency: config.vipps.currency,
          }),
        );
        io.out(options.json === true ? jsonOutput(summary, 2) : renderReport(summary));
        if (options.print === true) {
          const where = await printDocument(io, config, endOfDayDocument(summary, config, Date.now()));
          io.err(`✓ report ${where}\n`);
        }
        io.setExitCode(EXIT.OK);
      } catch (error) {
        reportFailure(io, error);
      }
    });
}
