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
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import {
  AdoptionCheckError,
  renderAdoptionReport,
  runAdoptionCheck,
} from "../src/offline/adoption-check";
import { RailwayApiError } from "../src/railway/client";
import { parseStackArgs } from "./cli";
import { REPOSITORY_DIR, rendered, runCommand } from "./command";

runCommand({
  usage:
    `usage: RAILWAY_API_TOKEN=<token> npm run -s railway:check -- --stack <${DEPLOYED_ENVIRONMENTS.join("|")}> [--json] [--dir <folder>]\n` +
    "Reads what `pulumi up` would adopt on Railway and what it would change; sends no mutation.\n" +
    "Exit codes: 0 nothing changes live; 1 up would change live config; 2 blocked (the fix is printed); 3 a bug.",
  parse: parseStackArgs,
  // The token, the endpoint and the live projects are the user's to fix: the message says how.
  userErrors: [AdoptionCheckError, RailwayApiError],
  async run(options) {
    const projectDir = path.resolve(options.dir ?? REPOSITORY_DIR);
    const report = await runAdoptionCheck({ projectDir, stack: options.stack, env: process.env });
    return {
      code: report.exitCode,
      stdout: rendered(report, options.json, renderAdoptionReport),
    };
  },
});
