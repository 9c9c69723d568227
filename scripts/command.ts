/**
 * How every stack command ends: 0 and 1 are the command's verdict; 2 is input the user fixes (a
 * usage, stack-file or config error, or one of the command's own: the message says how, alone on
 * stderr); 3 is a bug, with its trace, never mistaken for a verdict.
 */
import { StackConfigError } from "../src/config";
import { StackFileError } from "../src/stack-file";
import { exitAfterFlush, UsageError } from "./cli";

export const EXIT = { ok: 0, finding: 1, badInput: 2, bug: 3 } as const;

type ErrorClass = abstract new (...args: never[]) => Error;

export interface Command<O extends { readonly help: boolean }> {
  /** Printed for --help on stdout, and after a usage error on stderr. */
  readonly usage: string;
  /** Throws UsageError on bad arguments. */
  readonly parse: (args: string[]) => O;
  /** Errors of this command's own that are the user's to fix. */
  readonly userErrors?: readonly ErrorClass[];
  /** Writes its result to stdout and returns 0 or 1. */
  readonly run: (options: O) => Promise<number>;
}

export function runCommand<O extends { readonly help: boolean }>(command: Command<O>, args: string[] = process.argv.slice(2)): void {
  const userErrors: readonly ErrorClass[] = [StackConfigError, StackFileError, ...(command.userErrors ?? [])];
  const main = async (): Promise<number> => {
    let options: O;
    try {
      options = command.parse(args);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      process.stderr.write(`${error.message}\n${command.usage}\n`);
      return EXIT.badInput;
    }
    if (options.help) {
      process.stdout.write(`${command.usage}\n`);
      return EXIT.ok;
    }
    try {
      return await command.run(options);
    } catch (error) {
      if (!userErrors.some((type) => error instanceof type)) throw error;
      process.stderr.write(`${(error as Error).message}\n`);
      return EXIT.badInput;
    }
  };
  main().then(exitAfterFlush, (error: unknown) => {
    process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
    exitAfterFlush(EXIT.bug);
  });
}
