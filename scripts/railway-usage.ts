/**
 * Railway's estimate of the billing period against the budgets:
 * `npm run -s railway:usage -- --stack production [--json] [--dir <folder>]`, with RAILWAY_API_TOKEN.
 * Sends no mutation. Exit codes: 0 within budget; 1 over budget (the report names the largest
 * measurement); 2 bad input (a usage, stack-file, token or project error; the fix on stderr);
 * 3 a bug in the program (with its trace).
 */
import * as path from "node:path";
import { StackConfigError } from "../src/config";
import { AdoptionCheckError } from "../src/offline/adoption-check";
import { StackFileError } from "../src/stack-file";
import { renderUsageReport, runUsageCheck, UsageCheckError } from "../src/offline/usage-check";
import { RailwayApiError } from "../src/railway/client";
import { exitAfterFlush, parseStackArgs, UsageError, type StackArgs } from "./cli";

const BUG = 3;
const BAD_INPUT = 2;

const USAGE =
  "usage: RAILWAY_API_TOKEN=<token> npm run -s railway:usage -- --stack production [--json] [--dir <folder>]\n" +
  "Reads Railway's estimate of the billing period for the app's workspace and compares the bill with the stacks' budget.monthlyUsd; sends no mutation.\n" +
  "Exit codes: 0 within budget; 1 over budget; 2 bad input (the fix is printed); 3 a bug.";

async function main(args: string[]): Promise<number> {
  let options: StackArgs;
  try {
    options = parseStackArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return BAD_INPUT;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const projectDir = path.resolve(options.dir ?? path.resolve(__dirname, ".."));
  try {
    const report = await runUsageCheck({ projectDir, stack: options.stack, env: process.env });
    process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : renderUsageReport(report)}\n`);
    return report.exitCode;
  } catch (error) {
    // The stack, the token, the endpoint and the project are the user's to fix: the message says how.
    if (
      error instanceof StackConfigError ||
      error instanceof StackFileError ||
      error instanceof AdoptionCheckError ||
      error instanceof UsageCheckError ||
      error instanceof RailwayApiError
    ) {
      process.stderr.write(`${error.message}\n`);
      return BAD_INPUT;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  exitAfterFlush(BUG);
});
