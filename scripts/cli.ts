/** What the command-line scripts share: `--stack <s> [--json] [--dir <folder>]`, and an exit that flushes. */
import { parseArgs } from "node:util";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { supportedStacks } from "../src/stack-file";

export class UsageError extends Error {}

const OPTIONS = {
  stack: { type: "string" },
  json: { type: "boolean" },
  dir: { type: "string" },
  help: { type: "boolean" },
} as const;

export interface StackArgs {
  readonly stack: string;
  readonly json: boolean;
  readonly dir: string | undefined;
  readonly help: boolean;
}

export function parseStackArgs(args: string[]): StackArgs {
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
  if (repeated.length)
    throw new UsageError(`${repeated.join(", ")} given more than once; give each once.`);
  const { stack, json, dir, help } = parsed.values;
  if (help) return { stack: "", json: false, dir, help: true };
  if (!stack) throw new UsageError("--stack is required.");
  if (!(DEPLOYED_ENVIRONMENTS as readonly string[]).includes(stack)) {
    throw new UsageError(
      `stack "${stack}" is not supported; the supported stacks are ${supportedStacks()}.`,
    );
  }
  return { stack, json: json === true, dir, help: false };
}

/** Exits once stdout and stderr are flushed: a pipe is written asynchronously, and exit() would cut a long output short. */
export function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}
