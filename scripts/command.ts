/**
 * How every stack command ends: 0 and 1 are the command's verdict; 2 is input the user fixes (a
 * usage, stack-file or config error, or one of the command's own: the message says how, alone on
 * stderr); 3 is a bug, with its trace, never mistaken for a verdict.
 */
import * as path from "node:path";
import { StackConfigError } from "../src/config";
import { StackFileError } from "../src/stack-file";
import { exitAfterFlush, UsageError } from "./cli";

export const EXIT = { ok: 0, finding: 1, badInput: 2, bug: 3 } as const;

/** This repository: where the stack files are unless --dir names another folder. */
export const REPOSITORY_DIR = path.resolve(__dirname, "..");

/** What a command prints on stdout: one JSON document with --json, else the readable form. */
export function rendered<T>(value: T, json: boolean, render: (value: T) => string): string {
  return `${json ? JSON.stringify(value, null, 2) : render(value)}\n`;
}

type ErrorClass = abstract new (...args: never[]) => Error;

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Command<O extends { readonly help: boolean }> {
  /** Printed for --help on stdout, and after a usage error on stderr. */
  readonly usage: string;
  /** Throws UsageError on bad arguments. */
  readonly parse: (args: string[]) => O;
  /** Errors of this command's own that are the user's to fix. */
  readonly userErrors?: readonly ErrorClass[];
  /** The verdict (0 or 1) and what it prints. */
  readonly run: (
    options: O,
  ) => Promise<{ readonly code: number; readonly stdout: string; readonly stderr?: string }>;
}

/** The command's result for `args`, in-process; a bug is thrown. */
export async function executeCommand<O extends { readonly help: boolean }>(
  command: Command<O>,
  args: string[],
): Promise<CommandResult> {
  let options: O;
  try {
    options = command.parse(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { code: EXIT.badInput, stdout: "", stderr: `${error.message}\n${command.usage}\n` };
  }
  if (options.help) return { code: EXIT.ok, stdout: `${command.usage}\n`, stderr: "" };
  const userErrors: readonly ErrorClass[] = [
    StackConfigError,
    StackFileError,
    ...(command.userErrors ?? []),
  ];
  try {
    const { code, stdout, stderr = "" } = await command.run(options);
    return { code, stdout, stderr };
  } catch (error) {
    if (!userErrors.some((type) => error instanceof type)) throw error;
    return { code: EXIT.badInput, stdout: "", stderr: `${(error as Error).message}\n` };
  }
}

/** Runs the command on the process's arguments, prints its result and exits with its code. */
export function runCommand<O extends { readonly help: boolean }>(command: Command<O>): void {
  executeCommand(command, process.argv.slice(2)).then(
    ({ code, stdout, stderr }) => {
      process.stdout.write(stdout);
      process.stderr.write(stderr);
      exitAfterFlush(code);
    },
    (error: unknown) => {
      process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
      exitAfterFlush(EXIT.bug);
    },
  );
}
