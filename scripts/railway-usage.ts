/**
 * Railway's estimate of the billing period against the budgets:
 * `npm run -s railway:usage -- --stack production [--json] [--dir <folder>]`, with RAILWAY_API_TOKEN.
 * Sends no mutation. Exit codes: 0 within budget; 1 over budget (the report names the largest
 * measurement); 2 bad input (a usage, stack-file, token or project error; the fix on stderr);
 * 3 a bug in the program (with its trace).
 */
// First: what it defers must not be loaded by the imports below.
import "../src/offline/defer-sdk-modules.cjs";
import * as path from "node:path";
import { AdoptionCheckError } from "../src/offline/adoption-check";
import { renderUsageReport, runUsageCheck, UsageCheckError } from "../src/offline/usage-check";
import { RailwayApiError } from "../src/railway/client";
import { parseStackArgs } from "./cli";
import { REPOSITORY_DIR, rendered, runCommand } from "./command";

runCommand({
  usage:
    "usage: RAILWAY_API_TOKEN=<token> npm run -s railway:usage -- --stack production [--json] [--dir <folder>]\n" +
    "Reads Railway's estimate of the billing period for the app's workspace and compares the bill with the stacks' budget.monthlyUsd; sends no mutation.\n" +
    "Exit codes: 0 within budget; 1 over budget; 2 bad input (the fix is printed); 3 a bug.",
  parse: parseStackArgs,
  // The token, the endpoint and the project are the user's to fix: the message says how.
  userErrors: [AdoptionCheckError, UsageCheckError, RailwayApiError],
  async run(options) {
    const projectDir = path.resolve(options.dir ?? REPOSITORY_DIR);
    const report = await runUsageCheck({ projectDir, stack: options.stack, env: process.env });
    return {
      code: report.exitCode,
      stdout: rendered(report, options.json, renderUsageReport),
    };
  },
});
