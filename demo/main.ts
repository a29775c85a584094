import { Command, Option } from "commander";
import { runDemo } from "./demo.js";
import { SCENARIO_NAMES, type ScenarioName } from "./scenarios.js";
import { EXIT } from "../lib/exit-codes.js";

/**
 * `npm start` and `npm run demo -- <options>`: the whole system on one machine (demo.ts). Its own
 * entry, not a `pos-agent` command: the till's artifact carries neither the simulator, the
 * bridge nor the embedded broker (docs/architecture.md, "Layers point down").
 */
function demoProgram(): Command {
  return new Command("npm run demo --")
    .description("the whole system on embedded defaults, no hardware, no Vipps account (npm start)")
    .option(
      "--sales <n>",
      "run this many sales, then exit 0 only if every one ended as its scenario expects",
      (v) => Number.parseInt(v, 10),
    )
    .addOption(
      new Option("--scenario <name>", "what the customer and cashier do")
        .choices([...SCENARIO_NAMES])
        .default("happy"),
    )
    .addOption(
      new Option(
        "--loyalty <flow>",
        "the seed's richer flow: a known member, or enrollment through Vipps Login",
      ).choices(["member", "enroll"]),
    )
    .action(async (options: { sales?: number; scenario: ScenarioName; loyalty?: "member" | "enroll" }) => {
      if (options.sales !== undefined && (!Number.isSafeInteger(options.sales) || options.sales < 1)) {
        process.stderr.write("demo: --sales must be a positive integer\n");
        process.exitCode = EXIT.USAGE;
        return;
      }
      // The first Ctrl-C lets the sale under way finish (the register always hears an outcome);
      // a second one leaves at once.
      const interrupted = new Promise<void>((resolve) => {
        const stop = (): void => {
          process.stderr.write("\nfinishing the sale under way (Ctrl-C again to quit now)…\n");
          process.once("SIGINT", () => process.exit(130));
          resolve();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      const result = await runDemo({ ...options, out: process.stdout, interrupted });
      process.stdout.write(`\n${result.asExpected} of ${result.sales} sale(s) ended as expected\n`);
      for (const failure of result.failures) process.stdout.write(`  ✗ ${failure}\n`);
      process.exit(result.failures.length === 0 ? EXIT.OK : EXIT.FAILURE);
    });
}

await demoProgram().parseAsync(process.argv);
