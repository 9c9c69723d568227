/**
 * Wall time of `npm test` and of both offline plans, to compare checkouts (a benchmark, not a test):
 *   npm run -s bench:suite -- [--cwd <checkout>]... [--runs <n>] [--suite-runs <n>] [--no-suite]
 * Several --cwd are measured round-robin, one run of each per round, so a load that comes and
 * goes on a shared machine weighs on all of them alike. Prints the median and the fastest run of
 * each command; exits 1 when a measured command fails, since its time would mean nothing.
 */
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";

interface Measured {
  readonly label: string;
  readonly command: readonly [string, ...string[]];
  readonly runs: number;
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function options() {
  const { values } = parseArgs({
    options: {
      cwd: { type: "string", multiple: true },
      runs: { type: "string", default: "5" },
      "suite-runs": { type: "string", default: "1" },
      "no-suite": { type: "boolean", default: false },
    },
  });
  const count = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a whole number of runs, at least 1 (got "${text}")`);
    return value;
  };
  const checkouts = (values.cwd ?? [path.resolve(__dirname, "..")]).map((dir) => path.resolve(dir));
  const plans = count("runs", values.runs);
  const measured: Measured[] = [
    ...(values["no-suite"]
      ? []
      : [
          {
            label: "npm test",
            command: [npm, "test"] as const,
            runs: count("suite-runs", values["suite-runs"]),
          },
        ]),
    ...["production", "staging"].map((stack) => ({
      label: `npm run -s plan -- --stack ${stack}`,
      command: [npm, "run", "-s", "plan", "--", "--stack", stack] as const,
      runs: plans,
    })),
  ];
  return { checkouts, measured };
}

/** Seconds one run took; throws with the command's output when it fails. */
function timeOnce(checkout: string, { label, command: [file, ...args] }: Measured): number {
  const started = performance.now();
  const result = spawnSync(file, args, {
    cwd: checkout,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ""}${result.stderr ?? ""}`
      .trim()
      .split("\n")
      .slice(-20)
      .join("\n");
    throw new Error(
      `${label} failed in ${checkout} (exit ${result.status ?? result.signal}):\n${output || String(result.error)}`,
    );
  }
  return seconds;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

function main(): void {
  const { checkouts, measured } = options();
  console.log(`load average (1, 5, 15 min) at start: ${load()}`);
  const times = new Map<string, number[]>();
  for (const item of measured) {
    for (let round = 0; round < item.runs; round++) {
      for (const checkout of checkouts) {
        const seconds = timeOnce(checkout, item);
        const key = `${item.label}\u0000${checkout}`;
        times.set(key, [...(times.get(key) ?? []), seconds]);
        console.error(`${item.label} in ${checkout}: ${seconds.toFixed(2)} s`);
      }
    }
  }
  console.log(`load average (1, 5, 15 min) at end: ${load()}\n`);
  console.log("| command | checkout | runs | median | fastest |");
  console.log("| --- | --- | ---: | ---: | ---: |");
  for (const item of measured) {
    for (const checkout of checkouts) {
      const runs = times.get(`${item.label}\u0000${checkout}`) ?? [];
      console.log(
        `| \`${item.label}\` | ${checkout} | ${runs.length} | ${median(runs).toFixed(2)} s | ${Math.min(...runs).toFixed(2)} s |`,
      );
    }
  }
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
