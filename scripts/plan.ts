/**
 * The offline plan: `npm run -s plan -- --stack <stack> [--json] [--dir <folder>]`.
 * stdout carries the plan only (with --json, one JSON document); everything else goes to stderr.
 * Exit codes: 0 every invariant holds; 1 an invariant is violated; 2 a usage, stack-file or config
 * error; 3 a bug in the program (with its stack trace).
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { StackConfigError } from "../src/config";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { buildPlan, planVerdict, renderPlanText } from "../src/offline/plan";
import { StackFileError, supportedStacks } from "../src/offline/stack-file";

const EXIT = { ok: 0, violated: 1, usage: 2, bug: 3 } as const;

const USAGE = `usage: npm run -s plan -- --stack <${DEPLOYED_ENVIRONMENTS.join("|")}> [--json] [--dir <folder with Pulumi.<stack>.yaml>]`;

class UsageError extends Error {}

const OPTIONS = { stack: { type: "string" }, json: { type: "boolean" }, dir: { type: "string" } } as const;

function parse(args: string[]): { stack: string; json: boolean; dir: string | undefined } {
  const parsed = (() => {
    try {
      return parseArgs({ args, options: OPTIONS, tokens: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  })();
  // parseArgs keeps the last of repeated options; a second --stack is a mistake, not an override.
  const seen = new Map<string, number>();
  for (const token of parsed.tokens) {
    if (token.kind === "option") seen.set(token.name, (seen.get(token.name) ?? 0) + 1);
  }
  const repeated = [...seen].filter(([, count]) => count > 1).map(([name]) => `--${name}`);
  if (repeated.length) throw new UsageError(`${repeated.join(", ")} given more than once; give each once.`);
  const { stack, json, dir } = parsed.values;
  if (!stack) throw new UsageError("--stack is required.");
  if (!(DEPLOYED_ENVIRONMENTS as readonly string[]).includes(stack)) {
    throw new UsageError(`stack "${stack}" is not supported; the supported stacks are ${supportedStacks()}.`);
  }
  return { stack, json: json === true, dir };
}

async function main(args: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
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

/** Exits once stdout and stderr are flushed: a pipe is written asynchronously, and exit() would cut a long plan short. */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  // A bug keeps its trace, and is not mistaken for a violated invariant.
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  exitAfterFlush(EXIT.bug);
});
