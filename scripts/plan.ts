/**
 * The offline plan: `npm run -s plan -- --stack <stack> [--json] [--dir <folder>]`.
 * stdout carries the plan only (with --json, one JSON document); everything else goes to stderr.
 * Exit codes: 0 every invariant holds; 1 an invariant is violated; 2 a usage, stack-file or config
 * error; 3 a bug in the program (with its stack trace).
 */
// First: what it defers must not be loaded by the imports below.
import "../src/offline/defer-sdk-modules";
import * as path from "node:path";
import { StackConfigError } from "../src/config";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { buildPlan, planVerdict, renderPlanText } from "../src/offline/plan";
import { StackFileError } from "../src/offline/stack-file";
import { exitAfterFlush, parseStackArgs, UsageError, type StackArgs } from "./cli";

const EXIT = { ok: 0, violated: 1, usage: 2, bug: 3 } as const;

const USAGE = `usage: npm run -s plan -- --stack <${DEPLOYED_ENVIRONMENTS.join("|")}> [--json] [--dir <folder with Pulumi.<stack>.yaml>]`;

async function main(args: string[]): Promise<number> {
  let options: StackArgs;
  try {
    options = parseStackArgs(args);
    if (options.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const projectDir = path.resolve(options.dir ?? path.resolve(__dirname, ".."));
  try {
    const plan = await buildPlan(projectDir, options.stack);
    process.stdout.write(`${options.json ? JSON.stringify(plan, null, 2) : renderPlanText(plan)}\n`);
    const { exitCode, problems } = planVerdict(plan);
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    return exitCode === 0 ? EXIT.ok : EXIT.violated;
  } catch (error) {
    // Config and stack-file errors are the user's to fix: the message says how.
    if (error instanceof StackConfigError || error instanceof StackFileError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  // A bug keeps its trace, and is not mistaken for a violated invariant.
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  exitAfterFlush(EXIT.bug);
});
