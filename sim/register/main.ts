#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { errorMessage } from "../../lib/errors.js";
import { createLogger } from "../../lib/log.js";
import { isCurrency, type Currency } from "../../lib/money.js";
import { describeMessage } from "../../drivers/register/index.js";
import { runInteractive } from "./interactive.js";
import { createReferenceRegister } from "./reference-register.js";
import { runScript } from "./script.js";

/**
 * `npm run register-sim -- --port <path>`: the reference register on a serial device.
 * Scripted by default (a few sales, printing what happens); `--interactive` for a prompt.
 * Exit codes: 0 every scripted sale reached a final state, 1 one did not, 64 usage,
 * 69 no agent answered.
 */

const integer =
  (min: number, max: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };

interface Options {
  port: string;
  baud: number;
  interactive?: boolean;
  sales: number;
  wait: number;
  id: string;
  currency: string;
  ackTimeout: number;
  upTimeout: number;
  logLevel: string;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("register-sim")
    .description("the reference cash register, speaking register protocol v1 on a serial device")
    .requiredOption("-p, --port <path>", "serial device of the register cable")
    .option("-b, --baud <n>", "baud rate", integer(1200, 230400), 115200)
    .option("-i, --interactive", "type commands instead of running the script")
    .option("-n, --sales <n>", "scripted sales to run", integer(1, 1000), 3)
    .option(
      "-w, --wait <seconds>",
      "how long a scripted sale waits for payment before cancelling",
      integer(1, 3600),
      60,
    )
    .option("--id <id>", "the register id sent in hello", "reference-register")
    .option("--currency <code>", "NOK, DKK or EUR", "NOK")
    .option("--ack-timeout <ms>", "ack timeout", integer(100, 10_000), 1000)
    .option("--up-timeout <seconds>", "give up when no agent answers within this time", integer(1, 3600), 30)
    .option("--log-level <level>", "log level for the NDJSON log on stderr", "warn")
    .exitOverride()
    .showHelpAfterError();
  try {
    program.parse(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 64;
    throw error;
  }
  const options = program.opts<Options>();
  if (!isCurrency(options.currency)) {
    process.stderr.write("register-sim: --currency must be NOK, DKK or EUR\n");
    return 64;
  }
  const currency: Currency = options.currency;
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const logger = createLogger({ level: options.logLevel, destination: process.stderr });
  const register = createReferenceRegister({
    path: options.port,
    baudRate: options.baud,
    id: options.id,
    ackTimeoutMs: options.ackTimeout,
    logger,
  });
  register.link.onStateChange((state) => {
    const peer = register.link.peer;
    print(
      state === "up" && peer !== undefined
        ? `● link up: ${describeMessage(peer as unknown as Record<string, unknown>)}`
        : `● link ${state}`,
    );
  });
  register.onReport((report) =>
    print(`  ← ${describeMessage(report as unknown as Record<string, unknown>)}`),
  );
  print(`register-sim on ${options.port}, waiting for the agent…`);
  register.start();
  try {
    await register.waitUntilUp(options.upTimeout * 1000);
  } catch {
    print(`no agent answered on ${options.port} within ${options.upTimeout} s`);
    await register.stop();
    return 69;
  }
  let code = 0;
  if (options.interactive === true) {
    await runInteractive(register, { input: process.stdin, output: process.stdout, currency });
  } else {
    const result = await runScript(register, {
      sales: options.sales,
      waitMs: options.wait * 1000,
      currency,
      print,
    });
    code = result.ok ? 0 : 1;
  }
  await register.stop();
  return code;
}

try {
  process.exitCode = await main(process.argv);
} catch (error) {
  process.stderr.write(`register-sim: ${errorMessage(error)}\n`);
  process.exitCode = 70;
}
