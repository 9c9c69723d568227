/**
 * What `npm run -s plan` does, as a function of its arguments: the exit code and what goes to
 * stdout and to stderr (see scripts/plan.ts). Tests call it in-process; a bug in the program
 * is thrown, for the caller to report with its trace.
 */
import * as path from "node:path";
import { StackConfigError } from "../src/config";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { buildPlan, planVerdict, renderPlanText } from "../src/offline/plan";
import { StackFileError } from "../src/offline/stack-file";
import { parseStackArgs, UsageError, type StackArgs } from "./cli";

export const EXIT = { ok: 0, violated: 1, usage: 2, bug: 3 } as const;

const USAGE = `usage: npm run -s plan -- --stack <${DEPLOYED_ENVIRONMENTS.join("|")}> [--json] [--dir <folder with Pulumi.<stack>.yaml>]`;

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `defaultDir` is the folder whose stack files are planned when no --dir is given. */
export async function planCommand(args: string[], defaultDir: string): Promise<CommandResult> {
  let options: StackArgs;
  try {
    options = parseStackArgs(args);
    if (options.help) return { code: EXIT.ok, stdout: `${USAGE}\n`, stderr: "" };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { code: EXIT.usage, stdout: "", stderr: `${error.message}\n${USAGE}\n` };
  }
  const projectDir = path.resolve(options.dir ?? defaultDir);
  try {
    const plan = await buildPlan(projectDir, options.stack);
    const { exitCode, problems } = planVerdict(plan);
    return {
      code: exitCode === 0 ? EXIT.ok : EXIT.violated,
      stdout: `${options.json ? JSON.stringify(plan, null, 2) : renderPlanText(plan)}\n`,
      stderr: problems.map((problem) => `${problem}\n`).join(""),
    };
  } catch (error) {
    // Config and stack-file errors are the user's to fix: the message says how.
    if (error instanceof StackConfigError || error instanceof StackFileError) return { code: EXIT.usage, stdout: "", stderr: `${error.message}\n` };
    throw error;
  }
}
