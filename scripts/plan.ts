/**
 * The offline plan: `npm run -s plan -- --stack <stack> [--json] [--dir <folder>]`.
 * stdout carries the plan only (with --json, one JSON document); everything else goes to stderr.
 * Exit codes: 0 every invariant holds; 1 an invariant is violated; 2 a usage, stack-file or config
 * error; 3 a bug in the program (with its stack trace).
 */
// First: what it defers must not be loaded by the imports below.
import "../src/offline/defer-sdk-modules.cjs";
import { REPOSITORY_DIR, runCommand } from "./command";
import { plan } from "./plan-command";

runCommand(plan(REPOSITORY_DIR));
