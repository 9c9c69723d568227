/**
 * The read-only adoption check: `npm run -s railway:check -- --stack <stack> [--json] [--dir <folder>]`,
 * with RAILWAY_API_TOKEN. For every Railway resource of the stack: found (as what) or created, the
 * keys `up` would change and whether it deploys, and what `up` would leave wrong. Sends no mutation.
 * Exit codes: 0 adopting changes nothing live; 1 `up` would change live config; 2 blocked (a near-miss
 * name, staged edits, an ambiguous or missing project, a bad token, a usage or stack-file error);
 * 3 a bug in the program (with its trace).
 */
// First: what it defers must not be loaded by the imports below.
import "../src/offline/defer-sdk-modules.cjs";
import * as path from "node:path";
import { StackConfigError } from "../src/config";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { AdoptionCheckError, renderAdoptionReport, runAdoptionCheck } from "../src/offline/adoption-check";
import { StackFileError } from "../src/offline/stack-file";
import { RailwayApiError } from "../src/railway/client";
import { exitAfterFlush, parseStackArgs, UsageError, type StackArgs } from "./cli";

const BUG = 3;
const BLOCKED = 2;

const USAGE =
  `usage: RAILWAY_API_TOKEN=<token> npm run -s railway:check -- --stack <${DEPLOYED_ENVIRONMENTS.join("|")}> [--json] [--dir <folder>]\n` +
  "Reads what `pulumi up` would adopt on Railway and what it would change; sends no mutation.\n" +
  "Exit codes: 0 nothing changes live; 1 up would change live config; 2 blocked (the fix is printed); 3 a bug.";

async function main(args: string[]): Promise<number> {
  let options: StackArgs;
  try {
    options = parseStackArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return BLOCKED;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const projectDir = path.resolve(options.dir ?? path.resolve(__dirname, ".."));
  try {
    const report = await runAdoptionCheck({ projectDir, stack: options.stack, env: process.env });
    process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : renderAdoptionReport(report)}\n`);
    return report.exitCode;
  } catch (error) {
    // The token, the endpoint and the stack file are the user's to fix: the message says how.
    if (error instanceof StackConfigError || error instanceof StackFileError || error instanceof AdoptionCheckError || error instanceof RailwayApiError) {
      process.stderr.write(`${error.message}\n`);
      return BLOCKED;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  exitAfterFlush(BUG);
});
