import * as path from "node:path";
import { readStackFileConfig } from "../src/config";
import { stackExpectations } from "../src/invariants/expectations";
import type { StackExpectations } from "../src/invariants/rule-kit";

/**
 * The project the pack guards. `pulumi preview --policy-pack policy` runs the pack with policy/
 * as its working directory, so the stack files are found from this module, not from the cwd.
 */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * What `Pulumi.<stack>.yaml` says the rules must check (retention, RPO, plans, budget), read and
 * validated as the program and `npm run plan` read it: one place for the values, no copy here.
 */
export function stackFileExpectations(
  stack: string,
  projectDir: string = PROJECT_DIR,
): StackExpectations {
  return stackExpectations(readStackFileConfig(projectDir, stack).config);
}
