import { readStackFileConfig } from "../config";
import { evaluateStackRules } from "../invariants/catalogue";
import { estimateMonthlyCost, formatUsd, type CostEstimate } from "../invariants/cost-model";
import { stackExpectations } from "../invariants/expectations";
import type { StackSnapshot } from "../invariants/rule-kit";
import { RULE_MARKS, type RuleResult } from "../invariants/violation";
import {
  runProgramOffline,
  SECRET_PLACEHOLDER,
  type OfflinePlan,
  type PlannedResource,
} from "./mock-runtime";
import { COMPUTED, productionOutputsForStaging } from "./placeholders";
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
  /** The month's estimate, expected and worst case, per service and for the stack. */
  readonly costs: CostEstimate;
}

export const PLAN_NOTE =
  "Desired state computed offline on Pulumi's mock runtime from the stack file; not a diff against live " +
  `infrastructure. No cloud API was contacted, secure: values were not decrypted, and values containing "${COMPUTED}" ` +
  "are placeholders for what the providers compute at apply time.";

/** A dynamic resource's serialized provider (`__provider`) is code, not desired state: never printed. */
function withoutProviderCode(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inputs).filter(([key]) => key !== "__provider"));
}

/** Runs the program for one stack file and checks every invariant. Throws StackConfigError on bad config. */
export async function buildPlan(projectDir: string, stack: string): Promise<PlanDocument> {
  return (await runPlan(projectDir, stack)).document;
}

/** The plan document and the run behind it (inputs with secrets revealed, for the policy pack's tests). */
export async function runPlan(
  projectDir: string,
  stack: string,
): Promise<{ document: PlanDocument; run: OfflinePlan }> {
  const { file: stackFile, config } = readStackFileConfig(projectDir, stack);
  const stackReferences =
    config.environment === "staging"
      ? { [config.railway.productionStack]: productionOutputsForStaging(projectDir) }
      : {};
  const run = await runProgramOffline({
    stack,
    config: stackFile.config,
    secretKeys: stackFile.secretKeys,
    stackReferences,
    serializeProviders: false,
  });

  const snapshot: StackSnapshot = {
    stack,
    resources: run.resources,
    outputs: Object.fromEntries(
      Object.entries(run.outputs).map(([key, output]) => [key, output.value]),
    ),
    expected: stackExpectations(config),
  };
  const invariants = evaluateStackRules(snapshot);
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
      Object.entries(run.outputs).map(([key, output]) => [
        key,
        output.secret ? SECRET_PLACEHOLDER : output.value,
      ]),
    ),
    wiring: railwayWiring(run.resources, run.outputs),
    invariants,
    costs: estimateMonthlyCost(snapshot),
  };
  return { document, run };
}

/** 0 when every invariant holds; 1 otherwise, with one line per violation for stderr. */
export function planVerdict(plan: PlanDocument): { exitCode: 0 | 1; problems: string[] } {
  const problems = plan.invariants
    .filter((rule) => rule.status === "fail")
    .map((rule) => `invariant violated: ${rule.rule}: ${rule.message}`);
  return { exitCode: problems.length ? 1 : 0, problems };
}

function formatValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function renderPlanText(plan: PlanDocument): string {
  const lines = [
    `Offline plan for stack "${plan.stack}"`,
    plan.note,
    "",
    `Resources (${plan.resources.length}):`,
  ];
  const children = (parent: string | null) =>
    plan.resources.filter((resource) => resource.parent === parent);
  const walk = (parent: string | null, depth: number) => {
    for (const resource of children(parent)) {
      const flags = [
        resource.import ? `adopt id=${resource.import}` : "",
        resource.protect ? "protected" : "",
        resource.ignoreChanges.length ? `ignoreChanges=${resource.ignoreChanges.join(",")}` : "",
      ].filter(Boolean);
      const indent = "  ".repeat(depth);
      lines.push(
        `${indent}+ ${resource.type}  ${resource.name}${flags.length ? `  [${flags.join("] [")}]` : ""}`,
      );
      for (const [key, value] of Object.entries(resource.inputs)) {
        lines.push(`${indent}      ${key}: ${formatValue(value)}`);
      }
      walk(resource.name, depth + 1);
    }
  };
  walk(null, 1);
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(plan.outputs))
    lines.push(`  ${key}: ${formatValue(value)}`);
  lines.push(...renderWiring(plan.wiring));
  lines.push(...renderCosts(plan.costs));
  lines.push("", "Invariants:");
  for (const rule of plan.invariants)
    lines.push(`  ${RULE_MARKS[rule.status]} ${rule.rule}: ${rule.message}`);
  return lines.join("\n");
}

/** The cost table: one row per service or product, then Railway's bill and the stack's month. */
function renderCosts(costs: CostEstimate): string[] {
  const rows = costs.lines.flatMap((line) => [
    [line.item, formatUsd(line.expectedUsd), formatUsd(line.worstUsd), line.basis],
    ["", "", "", `worst: ${line.worstBasis}`],
  ]);
  const { railway } = costs;
  rows.push(
    [
      `Railway ${costs.railwayPlan} bill`,
      formatUsd(railway.billExpectedUsd),
      formatUsd(railway.billWorstUsd),
      `${formatUsd(railway.subscriptionUsd)} subscription + usage above ${formatUsd(railway.includedUsageUsd)} included`,
    ],
    ["Total", formatUsd(costs.expectedUsd), formatUsd(costs.worstUsd), ""],
  );
  const header = ["item", "expected/month", "worst case", "basis"];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const format = (row: readonly string[]) =>
    `  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join("  ")}`.trimEnd();
  return [
    "",
    "Monthly cost (estimate; assumptions below):",
    format(header),
    ...rows.map(format),
    ...costs.assumptions.map((line) => `  · ${line}`),
  ];
}
