/**
 * The offline plan: `npm run -s plan -- --stack <stack> [--json] [--dir <folder>]`.
 * stdout carries the plan only (with --json, one JSON document); everything else goes to stderr.
 * Exit codes: 0 every invariant holds; 1 an invariant is violated; 2 a usage, stack-file or config
 * error; 3 a bug in the program (with its stack trace).
 */
import * as path from "node:path";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { buildPlan, planVerdict, renderPlanText } from "../src/offline/plan";
import { parseStackArgs } from "./cli";
import { EXIT, runCommand } from "./command";

const USAGE = `usage: npm run -s plan -- --stack <${DEPLOYED_ENVIRONMENTS.join("|")}> [--json] [--dir <folder with Pulumi.<stack>.yaml>]`;

runCommand({
  usage: USAGE,
  parse: parseStackArgs,
  async run(options) {
    const projectDir = path.resolve(options.dir ?? path.resolve(__dirname, ".."));
    const plan = await buildPlan(projectDir, options.stack);
    process.stdout.write(`${options.json ? JSON.stringify(plan, null, 2) : renderPlanText(plan)}\n`);
    const { exitCode, problems } = planVerdict(plan);
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    return exitCode === 0 ? EXIT.ok : EXIT.finding;
  },
});
