import { fork, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { Command } from "commander";
import { runTrial, type TrialResult } from "./trial.js";

/**
 * `npm run simulate -- --seed S --trials N [--seconds T] [--workers W]`: trials seed/F … seed/F+N-1,
 * each a deterministic run of the real agent against the simulated world (docs/simulation.md),
 * shared out over W worker processes (trial t goes to worker t mod W, so the set of trials run
 * does not depend on W). Exits 1 at the first failing trial, with its replay command and trace.
 */
const program = new Command("simulate")
  .option("--seed <n>", "the seed (default: a random one, printed)")
  .option("--trials <n>", "how many trials", "100")
  .option("--first <n>", "the first trial number (to replay one: --first T --trials 1)", "0")
  .option("--seconds <n>", "stop starting trials after this many seconds")
  .option("--workers <n>", "worker processes (default: one per core)")
  .option("--trace", "print the trace of every trial, not only of a failing one")
  .option("--worker <k/w>", "(internal) run as worker k of w")
  .parse();
const o = program.opts<{
  seed?: string;
  trials: string;
  first: string;
  seconds?: string;
  workers?: string;
  trace?: boolean;
  worker?: string;
}>();
const seed = o.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(o.seed);
const trials = Number(o.trials);
const first = Number(o.first);
const deadline = o.seconds === undefined ? Infinity : Date.now() + Number(o.seconds) * 1000;
for (const [name, value] of [
  ["--seed", seed],
  ["--trials", trials],
  ["--first", first],
] as const)
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`simulate: ${name} must be a whole number ≥ 0`);
    process.exit(2);
  }

/** What a worker tells the parent after each trial. */
type Report =
  | { readonly kind: "trial"; readonly trial: number; readonly crashes: number; readonly sales: number }
  | { readonly kind: "failed"; readonly text: string };

function failure(r: TrialResult): string {
  return [
    `\nFAILED: seed ${r.seed} trial ${r.trial}\n${r.problems.map((p) => `  ✗ ${p}`).join("\n")}`,
    `\ntrace:\n${r.trace.join("\n")}`,
    `\nreplay: npm run simulate -- --seed ${r.seed} --first ${r.trial} --trials 1 --trace`,
  ].join("\n");
}

/** Runs trials k, k+w, k+2w, … of the range; reports each to `report`. */
async function work(k: number, w: number, report: (r: Report) => void): Promise<void> {
  for (let t = first + k; t < first + trials && Date.now() < deadline; t += w) {
    const result = await runTrial(seed, t);
    if (o.trace === true) console.log(result.trace.join("\n"));
    if (result.problems.length > 0) return report({ kind: "failed", text: failure(result) });
    report({ kind: "trial", trial: t, crashes: result.crashes, sales: result.sales });
  }
}

if (o.worker !== undefined) {
  const [k, w] = o.worker.split("/").map(Number);
  await work(k ?? 0, w ?? 1, (r) => process.send?.(r));
  // Requests a crashed process left behind hold real timers in the HTTP engine; nothing waits for them.
  process.disconnect();
  process.exit(0);
}

const workers = Math.max(
  1,
  Math.min(trials, o.workers === undefined ? availableParallelism() : Number(o.workers)),
);
const started = Date.now();
let ran = 0;
let crashes = 0;
let sales = 0;
let failed: string | undefined;
console.log(
  `simulate: seed ${seed}${o.seed === undefined ? " (drawn at random)" : ""}, trials ${first}…${first + trials - 1}, ${workers} worker(s)`,
);
/** Trials done beyond `first + prefix`: a time box stops the workers at different trials. */
const doneBeyond = new Set<number>();
let prefix = 0;
const onReport = (r: Report): void => {
  if (r.kind === "failed") {
    failed ??= r.text;
    return;
  }
  ran++;
  doneBeyond.add(r.trial);
  while (doneBeyond.delete(first + prefix)) prefix++;
  crashes += r.crashes;
  sales += r.sales;
  if (ran % 1000 === 0)
    console.log(
      `  ${ran} trials, ${crashes} crashes, ${sales} sales, ${Math.round((Date.now() - started) / 1000)} s`,
    );
};
if (workers === 1) await work(0, 1, onReport);
else {
  const children: ChildProcess[] = [];
  // The parent's own --workers (and its value) and --seed are not the workers' business.
  const args = withoutOptions(process.argv.slice(2), ["--workers", "--seed"]);
  await Promise.all(
    Array.from({ length: workers }, (_, k) => {
      const child = fork(process.argv[1] ?? "", [
        ...args,
        "--seed",
        String(seed),
        "--worker",
        `${k}/${workers}`,
      ]);
      children.push(child);
      child.on("message", (r: Report) => {
        onReport(r);
        // One failure is enough: the others stop (only the children this run started).
        if (r.kind === "failed") for (const c of children) if (c !== child) c.kill();
      });
      return new Promise<void>((resolve) =>
        child.on("exit", (code, signal) => {
          // A worker that died on its own (not stopped after another's failure) is a failure too.
          if (code !== 0 && failed === undefined)
            failed = `\nFAILED: worker ${k} of seed ${seed} exited (${code ?? signal}); see its output above`;
          resolve();
        }),
      );
    }),
  );
}
if (failed !== undefined) {
  console.log(failed);
  process.exit(1);
}
const seconds = (Date.now() - started) / 1000;
console.log(
  `ok: ${ran} trials (seed ${seed}, from ${first}), ${sales} sales, ${crashes} crashes, ${seconds.toFixed(1)} s, ${(ran / seconds).toFixed(1)} trials/s`,
);
if (ran < trials)
  console.log(
    `time box: --seconds ${o.seconds} cut the run short: ${ran} of the ${trials} trials asked for ran` +
      (prefix === 0 ? "" : ` (all of ${first}…${first + prefix - 1}, and ${doneBeyond.size} after those)`),
  );
console.log(`run these trials again: npm run simulate -- --seed ${seed} --first ${first} --trials ${prefix}`);
process.exit(0);

/** `argv` without the named options and the value after each (`--name value` or `--name=value`). */
function withoutOptions(argv: readonly string[], names: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (names.includes(a)) i++;
    else if (!names.some((n) => a.startsWith(`${n}=`))) kept.push(a);
  }
  return kept;
}
