import * as path from "node:path";
import { parseArgs } from "node:util";
import { StackConfigError } from "../src/config";
import { buildPlan, planVerdict, renderPlanText } from "../src/offline/plan";
import { StackFileError } from "../src/offline/stack-file";

const USAGE = "usage: npm run plan -- --stack <staging|production> [--json] [--dir <folder with Pulumi.<stack>.yaml>]";

async function main(): Promise<number> {
  let values: { stack?: string; json?: boolean; dir?: string };
  try {
    ({ values } = parseArgs({ options: { stack: { type: "string" }, json: { type: "boolean" }, dir: { type: "string" } } }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!values.stack) {
    process.stderr.write(`--stack is required.\n${USAGE}\n`);
    return 2;
  }
  const projectDir = path.resolve(values.dir ?? path.resolve(__dirname, ".."));
  try {
    const plan = await buildPlan(projectDir, values.stack);
    process.stdout.write(`${values.json ? JSON.stringify(plan, null, 2) : renderPlanText(plan)}\n`);
    const { exitCode, problems } = planVerdict(plan);
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    return exitCode;
  } catch (error) {
    // Config and stack-file errors are the user's to fix: the message says how; a bug keeps its trace.
    const expected = error instanceof StackConfigError || error instanceof StackFileError;
    process.stderr.write(`${expected ? (error as Error).message : String((error as Error).stack ?? error)}\n`);
    return 2;
  }
}

main().then((code) => process.exit(code));
