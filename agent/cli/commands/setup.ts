import type { Command } from "commander";
import { loadConfig } from "../../../config/load.js";
import { errorMessage, isAgentError } from "../../../lib/errors.js";
import { silentLogger } from "../../../lib/log.js";
import { terminalSafe } from "../../../lib/terminal-text.js";
import { resolveBrand } from "../../../lib/locale/index.js";
import type { QrSticker } from "../../../drivers/printer/index.js";
import { controlRequest } from "../../control/index.js";
import { QR_CONTENT_KEY } from "../../runtime/agent.js";
import { VippsClient, vippsClientOptions } from "../../vipps/index.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { processIo, type CliIo } from "../support/cli-io.js";
import { reportFailure } from "../support/failure.js";
import { withJournal } from "../../journal/journal-access.js";
import { printDocument } from "../support/print-document.js";
import { withProgress } from "../support/progress.js";
import { qrTerminalText } from "../support/qr-text.js";
import { DEFAULT_CONFIG_FILE } from "./config.js";

interface SetupOptions {
  config: string;
  print: boolean;
}

/**
 * `pos-agent setup`: makes the till payable by QR. Creates or updates the till's merchant
 * callback QR at Vipps (QR API PUT with `till.id` as merchantQrId and `till.locationDescription`),
 * reads it back, caches its `qrContent` in the journal (the agent reads it at start), draws the
 * QR in the terminal, prints it as a sticker when a printer is configured, and tells a running
 * agent to pick it up. Idempotent: run it again after changing the location text.
 *
 * Needs the secrets (run with sudo; the journal is then written as its owner). Exit 0 done,
 * 78 bad config or secret, 69 Vipps unreachable or the sticker could not be printed (the QR
 * is set up and cached all the same), 1 Vipps refused.
 */
export function registerSetupCommand(program: Command, io: CliIo = processIo): void {
  program
    .command("setup")
    .description("create/update the till's QR at Vipps, cache it, show it, print it as a sticker")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG_FILE)
    .option("--no-print", "do not print the QR sticker")
    .action(async (options: SetupOptions) => {
      try {
        await setup(io, options);
      } catch (error) {
        reportFailure(io, error);
      }
    });
}

async function setup(io: CliIo, options: SetupOptions): Promise<void> {
  const loaded = loadConfig(options.config);
  const { config } = loaded;
  const till = config.till;
  const vipps = new VippsClient(vippsClientOptions(loaded, { logger: silentLogger() }));

  await withProgress(
    io,
    "setting up the till's QR at Vipps",
    vipps.qr.putMerchantCallback(till.id, { locationDescription: till.locationDescription }),
  );
  const qr = await withProgress(io, "reading the QR back", vipps.qr.getMerchantCallback(till.id));
  io.out(
    `✓ QR of till ${till.id} at Vipps (MSN ${config.vipps.msn}): "${terminalSafe(qr.locationDescription)}"\n  ${terminalSafe(qr.qrContent)}\n`,
  );

  const previous = withJournal(config.storage.directory, "write", (journal) => {
    const before = journal.meta(QR_CONTENT_KEY);
    journal.setMetaValue(QR_CONTENT_KEY, qr.qrContent);
    return before;
  });
  io.out(previous === qr.qrContent ? "✓ cached in the journal (unchanged)\n" : "✓ cached in the journal\n");
  io.out(`\n${qrTerminalText(qr.qrContent)}\n`);

  try {
    await controlRequest(config.control.socketPath, { method: "refreshQr" }, { timeoutMs: 5_000 });
    io.out("✓ the running agent shows the new QR\n");
  } catch (error) {
    if (isAgentError(error, "CONTROL_NOT_RUNNING"))
      io.out("- the agent is not running; it reads the QR when it starts\n");
    else
      io.err(
        `! could not tell the running agent (${terminalSafe(isAgentError(error) ? error.code : errorMessage(error))}); restart it: sudo systemctl restart pos-agent\n`,
      );
  }

  if (!options.print || config.printer.uri === "none") {
    if (options.print) io.out("- no printer configured (printer.uri): no sticker\n");
    io.setExitCode(EXIT.OK);
    return;
  }
  const sticker: QrSticker = {
    kind: "qr_sticker",
    language: config.display.language,
    header: config.printer.header,
    till: till.id,
    brand: resolveBrand(config.display.brand, config.vipps.currency),
    qrContent: qr.qrContent,
    locationDescription: till.locationDescription,
  };
  try {
    const where = await printDocument(io, config, sticker);
    io.out(`✓ sticker ${where}\n`);
    io.setExitCode(EXIT.OK);
  } catch (error) {
    io.err(
      `✗ the QR is set up and cached, but the sticker was not printed: ${terminalSafe(`${isAgentError(error) ? `${error.code}: ` : ""}${errorMessage(error)}`)}\n  fix the printer and run pos-agent setup again\n`,
    );
    io.setExitCode(EXIT.UNAVAILABLE);
  }
}
