import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const ROOT = path.resolve(__dirname, "..");
const run = promisify(execFile);

/** A folder holding an edited copy of a committed stack file; an edit that changes nothing is a broken test. */
export function stackDirWith(stack: string, edit: (text: string) => string): string {
  const original = readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
  const edited = edit(original);
  if (edited === original) throw new Error(`the edit of Pulumi.${stack}.yaml found nothing to change`);
  const dir = mkdtempSync(path.join(tmpdir(), "plan-"));
  writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), edited);
  return dir;
}

/** Runs `scripts/plan.ts` (or `command`) from the project root; never throws on a non-zero exit. */
export async function planScript(
  args: string[],
  command: [string, ...string[]] = [process.execPath, "--import", "tsx", "scripts/plan.ts"],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, ...prefix] = command;
  try {
    const { stdout, stderr } = await run(file, [...prefix, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
