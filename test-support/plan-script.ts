import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { parseDocument, type Document } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const run = promisify(execFile);

/** One structural change to a stack file's YAML document (comments and layout kept). */
export type StackEdit = (document: Document) => void;

/** Sets `config.<keyPath>` (creating the maps on the way); `undefined` removes the key. */
export const setConfig =
  (keyPath: readonly unknown[], value: unknown): StackEdit =>
  (document) => {
    if (value === undefined) document.deleteIn(["config", ...keyPath]);
    else document.setIn(["config", ...keyPath], document.createNode(value));
  };

/** A folder holding `text` as the stack's file, for tests about files no edit of a committed one yields. */
export function stackDirHolding(stack: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "plan-"));
  writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
  return dir;
}

/** A folder holding a structurally edited copy of a committed stack file; edits that change nothing are a broken test. */
export function stackDirWith(stack: string, ...edits: StackEdit[]): string {
  const original = readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
  const document = parseDocument(original);
  for (const edit of edits) edit(document);
  const edited = document.toString();
  if (edited === original)
    throw new Error(`the edit of Pulumi.${stack}.yaml found nothing to change`);
  return stackDirHolding(stack, edited);
}

/** Runs `scripts/plan.ts` (or `command`) from the project root; never throws on a non-zero exit. */
export async function planScript(
  args: string[],
  command: [string, ...string[]] = [process.execPath, "--import", "tsx", "scripts/plan.ts"],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const [file, ...prefix] = command;
  try {
    const { stdout, stderr } = await run(file, [...prefix, ...args], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
