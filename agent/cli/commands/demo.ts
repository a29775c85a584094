import { Option, type Command } from "commander";
import { runDemo } from "../../demo/demo.js";
import { SCENARIO_NAMES, type ScenarioName } from "../../demo/scenarios.js";
import { EXIT } from "../../../lib/exit-codes.js";

export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
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
        process.stderr.write("pos-agent demo: --sales must be a positive integer\n");
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
