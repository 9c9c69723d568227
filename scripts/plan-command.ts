/**
 * What `npm run -s plan` does (scripts/plan.ts), as a command tests run in-process: stdout carries
 * the plan only (with --json, one JSON document); the violations go to stderr.
 */
import * as path from "node:path";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { buildPlan, planVerdict, renderPlanText } from "../src/offline/plan";
import { parseStackArgs, type StackArgs } from "./cli";
import { EXIT, executeCommand, rendered, type Command, type CommandResult } from "./command";

/** The plan command; `defaultDir` holds the stack files planned when no --dir is given. */
export function plan(defaultDir: string): Command<StackArgs> {
  return {
    usage: `usage: npm run -s plan -- --stack <${DEPLOYED_ENVIRONMENTS.join("|")}> [--json] [--dir <folder with Pulumi.<stack>.yaml>]`,
    parse: parseStackArgs,
    async run(options) {
      const document = await buildPlan(path.resolve(options.dir ?? defaultDir), options.stack);
      const { exitCode, problems } = planVerdict(document);
      return {
        code: exitCode === 0 ? EXIT.ok : EXIT.finding,
        stdout: rendered(document, options.json, renderPlanText),
        stderr: problems.map((problem) => `${problem}\n`).join(""),
      };
    },
  };
}

export function planCommand(args: string[], defaultDir: string): Promise<CommandResult> {
  return executeCommand(plan(defaultDir), args);
}
