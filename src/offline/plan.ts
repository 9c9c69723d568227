import { parseStackConfig, projectConfigValues, type StackConfig } from "../config";
import { evaluateStackRules } from "../invariants/stack-rules";
import { RULE_MARKS, type RuleResult } from "../invariants/violation";
import { runProgramOffline, SECRET_PLACEHOLDER, type OfflinePlan, type PlannedResource } from "./mock-runtime";
import { COMPUTED, productionOutputsForStaging } from "./placeholders";
import { readStackFile } from "./stack-file";
import { railwayWiring, renderWiring, type ServiceWiring } from "./wiring";

export interface PlanDocument {
  readonly stack: string;
  readonly note: string;
  readonly resources: {
    type: string;
    name: string;
    parent: string | null;
    inputs: Record<string, unknown>;
    import: string | null;
    protect: boolean;
    ignoreChanges: readonly string[];
  }[];
  readonly outputs: Record<string, unknown>;
  /** Which Railway service gets which variable from where. */
  readonly wiring: readonly ServiceWiring[];
  readonly invariants: readonly RuleResult[];
}

export const PLAN_NOTE =
  "Desired state computed offline on Pulumi's mock runtime from the stack file; not a diff against live " +
  `infrastructure. No cloud API was contacted, secure: values were not decrypted, and values containing "${COMPUTED}" ` +
  "are placeholders for what the providers compute at apply time.";

/** What a stack's config says the rules must check against; the policy pack's defaults must equal it. */
export function stackExpectations(config: StackConfig) {
  const database = {
    appUrlScheme: config.database.appUrlScheme,
    neonPlan: config.neon.plan,
    neonActiveHoursPerMonth: config.neon.compute.activeHoursPerMonth,
  };
  return config.environment === "production"
    ? {
        ...database,
        retentionDays: config.backups.retentionDays,
        rpoHours: config.backups.rpoHours,
        pgVersion: config.neon.pgVersion,
        expectedDumpMB: config.backups.expectedDumpMB,
        ...(config.neon.appTransferGBPerMonth === undefined ? {} : { appTransferGBPerMonth: config.neon.appTransferGBPerMonth }),
      }
    : database;
}

/** A dynamic resource's serialized provider (`__provider`) is code, not desired state: never printed. */
function withoutProviderCode(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).filter(([key]) => key !== "__provider"));
}

/** Runs the program for one stack file and checks every invariant. Throws StackConfigError on bad config. */
export async function buildPlan(projectDir: string, stack: string): Promise<PlanDocument> {
  return (await runPlan(projectDir, stack)).document;
}

/** The plan document and the run behind it (inputs with secrets revealed, for the policy pack's tests). */
export async function runPlan(projectDir: string, stack: string): Promise<{ document: PlanDocument; run: OfflinePlan }> {
  const stackFile = readStackFile(projectDir, stack);
  const config = parseStackConfig(stack, projectConfigValues(stackFile.config), stackFile.secretKeys, stackFile.plainValueKeys);
  const stackReferences =
    config.environment === "staging" ? { [config.railway.productionStack]: productionOutputsForStaging(projectDir) } : {};
  const run = await runProgramOffline({ stack, config: stackFile.config, secretKeys: stackFile.secretKeys, stackReferences });

  const invariants = evaluateStackRules({
    stack,
    resources: run.resources,
    outputs: Object.fromEntries(Object.entries(run.outputs).map(([key, output]) => [key, output.value])),
    expected: stackExpectations(config),
  });
  const document: PlanDocument = {
    stack,
    note: PLAN_NOTE,
    resources: run.resources.map((resource: PlannedResource) => ({
      type: resource.type,
      name: resource.name,
      parent: resource.parent ?? null,
      inputs: withoutProviderCode(resource.displayInputs),
      import: resource.importId ?? null,
      protect: resource.protect,
      ignoreChanges: resource.ignoreChanges,
    })),
    outputs: Object.fromEntries(
      Object.entries(run.outputs).map(([key, output]) => [key, output.secret ? SECRET_PLACEHOLDER : output.value]),
    ),
    wiring: railwayWiring(run.resources, run.outputs),
    invariants,
  };
  return { document, run };
}

/** 0 when every invariant holds; 1 otherwise, with one line per violation for stderr. */
export function planVerdict(plan: PlanDocument): { exitCode: 0 | 1; problems: string[] } {
  const problems = plan.invariants.filter((rule) => rule.status === "fail").map((rule) => `invariant violated: ${rule.rule}: ${rule.message}`);
  return { exitCode: problems.length ? 1 : 0, problems };
}

function formatValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function renderPlanText(plan: PlanDocument): string {
  const lines = [`Offline plan for stack "${plan.stack}"`, plan.note, "", `Resources (${plan.resources.length}):`];
  const children = (parent: string | null) => plan.resources.filter((resource) => resource.parent === parent);
  const walk = (parent: string | null, depth: number) => {
    for (const resource of children(parent)) {
      const flags = [
        resource.import ? `adopt id=${resource.import}` : "",
        resource.protect ? "protected" : "",
        resource.ignoreChanges.length ? `ignoreChanges=${resource.ignoreChanges.join(",")}` : "",
      ].filter(Boolean);
      const indent = "  ".repeat(depth);
      lines.push(`${indent}+ ${resource.type}  ${resource.name}${flags.length ? `  [${flags.join("] [")}]` : ""}`);
      for (const [key, value] of Object.entries(resource.inputs)) {
        lines.push(`${indent}      ${key}: ${formatValue(value)}`);
      }
      walk(resource.name, depth + 1);
    }
  };
  walk(null, 1);
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(plan.outputs)) lines.push(`  ${key}: ${formatValue(value)}`);
  lines.push(...renderWiring(plan.wiring));
  lines.push("", "Invariants:");
  for (const rule of plan.invariants) lines.push(`  ${RULE_MARKS[rule.status]} ${rule.rule}: ${rule.message}`);
  return lines.join("\n");
}
