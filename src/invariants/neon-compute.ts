import { NEON_PLAN_LIMITS, neonProjectLabel, type NeonPlan } from "./neon-plan";
import {
  inputRecord,
  notApplicable,
  RESOURCE_TYPES,
  violationsVerdict,
  type Rule,
  type StackSnapshot,
} from "./rule-kit";
import type { RuleResult, Violation } from "./violation";

export const neonCuHoursWithinPlan: Rule = {
  id: "neon-cu-hours-within-plan",
  description:
    "Each Neon project's computes fit the plan's monthly CU-hours (max CU × active hours).",
  evaluate: cuBudgetResult,
};

/** Compute sizes Neon accepts: 1/4 and 1/2 CU, then whole CUs (neon.com/docs/manage/computes). */
export const NEON_COMPUTE_SIZES: readonly number[] = [
  0.25,
  0.5,
  ...Array.from({ length: 16 }, (_, i) => i + 1),
];

/** Hours in the longest month: more active hours than this cannot happen. */
export const HOURS_PER_MONTH_MAX = 744;

/** One compute that bills a project's CU-hours, as declared. */
export interface NeonComputeBudget {
  /** What the message calls it, e.g. `Neon project "client-fulfillment-staging"`. */
  readonly label: string;
  readonly minCu: number;
  readonly maxCu: number;
  /** Hours per month the compute is awake (not scaled to zero), from `neon.compute.activeHoursPerMonth`. */
  readonly activeHoursPerMonth: number;
}

/**
 * Size limits of one compute: a size Neon offers, min ≤ max, within the plan (Free: 0.25 to 2 CU).
 */
export function computeSizeViolations(
  minCu: number,
  maxCu: number,
  plan: NeonPlan,
  label = "neon.compute",
): Violation[] {
  const limits = NEON_PLAN_LIMITS[plan];
  const problems: string[] = [];
  for (const [key, size] of [
    ["minCu", minCu],
    ["maxCu", maxCu],
  ] as const) {
    if (!NEON_COMPUTE_SIZES.includes(size))
      problems.push(
        `${label} ${key} ${size} is not a Neon compute size (0.25, 0.5 or a whole number 1-16).`,
      );
    else if (size < limits.minCu || size > limits.maxCu)
      problems.push(
        `${label} ${key} ${size} is outside the Neon ${plan} plan's ${limits.minCu}-${limits.maxCu} CU.`,
      );
  }
  if (minCu > maxCu) problems.push(`${label} minCu ${minCu} is above maxCu ${maxCu}.`);
  return problems.map((message) => ({ rule: neonCuHoursWithinPlan.id, message }));
}

/** Worst case of one compute's month: it may sit at its maximum size for every active hour. */
export function worstCaseCuHours(
  compute: Pick<NeonComputeBudget, "maxCu" | "activeHoursPerMonth">,
): number {
  return compute.maxCu * compute.activeHoursPerMonth;
}

const round = (value: number) => Math.round(value * 100) / 100;

/**
 * The monthly CU-hour budget of one Neon project: every compute in it bills the same per-project
 * allowance (Free: 100 CU-hours; Neon suspends the project's computes when it runs out), so
 * Σ maxCu × activeHoursPerMonth over its computes must stay within it.
 */
export function cuBudgetViolations(
  project: string,
  plan: NeonPlan,
  computes: readonly NeonComputeBudget[],
): Violation[] {
  const allowance = NEON_PLAN_LIMITS[plan].cuHoursPerProjectPerMonth;
  const worst = computes.reduce((sum, compute) => sum + worstCaseCuHours(compute), 0);
  if (worst <= allowance) return [];
  const terms = computes
    .map(
      (c) =>
        `${c.label}: ${c.maxCu} CU × ${c.activeHoursPerMonth} h = ${round(worstCaseCuHours(c))}`,
    )
    .join("; ");
  if (computes.length > 1) {
    return [
      {
        rule: neonCuHoursWithinPlan.id,
        message:
          `${project} bills ${computes.length} computes against one allowance (${terms}): up to ${round(worst)} CU-hours a month, over the Neon ${plan} plan's ${allowance} per project. ` +
          "When it runs out Neon suspends every compute of the project, so one compute could starve the others; give each stack its own Neon project or lower maxCu / activeHoursPerMonth.",
      },
    ];
  }
  const [only] = computes as [NeonComputeBudget];
  return [
    {
      rule: neonCuHoursWithinPlan.id,
      message:
        `${project} may use up to ${terms.replace(/^[^:]*: /, "")} CU-hours a month, over the Neon ${plan} plan's ${allowance} per project; Neon suspends its compute when they run out. ` +
        `Lower neon.compute.maxCu or neon.compute.activeHoursPerMonth (at ${only.maxCu} CU, at most ${round(allowance / only.maxCu)} h).`,
    },
  ];
}

/** A compute in a Neon project this stack does not declare spends another stack's allowance. */
export function foreignComputeViolation(compute: string, projectId: unknown): Violation {
  return {
    rule: neonCuHoursWithinPlan.id,
    message:
      `${compute} runs in Neon project ${JSON.stringify(projectId)}, which this stack does not declare: its CU-hours come out of that project's allowance ` +
      "(production's, for a staging branch) and it shares that project's role passwords. Give this stack its own Neon project (docs/staging-database.md).",
  };
}

/**
 * The CU-hour budget of every Neon project the stack declares, read from the project's
 * `defaultEndpointSettings` (the size of the compute Neon creates with the project), plus any
 * Endpoint declared in it; an Endpoint or Branch in a project the stack does not declare
 * bills someone else's allowance, which is a failure in itself.
 */
function cuBudgetResult(snapshot: StackSnapshot): RuleResult {
  const { id } = neonCuHoursWithinPlan;
  const { expected } = snapshot;
  const projects = snapshot.resources.filter(
    (resource) => resource.type === RESOURCE_TYPES.neonProject,
  );
  const others = snapshot.resources.filter(
    (resource) =>
      resource.type === RESOURCE_TYPES.neonEndpoint || resource.type === RESOURCE_TYPES.neonBranch,
  );
  if (projects.length === 0 && others.length === 0)
    return notApplicable(id, `${snapshot.stack} declares no Neon compute`);
  const ownProjectId = snapshot.outputs.neonProjectId;
  const violations: Violation[] = others
    .filter((resource) => projects.length === 0 || resource.inputs.projectId !== ownProjectId)
    .map((resource) =>
      foreignComputeViolation(`${resource.type} "${resource.name}"`, resource.inputs.projectId),
    );
  if (
    projects.length > 0 &&
    (expected.neonPlan === undefined || expected.neonActiveHoursPerMonth === undefined)
  ) {
    if (violations.length) return violationsVerdict(id, violations, "");
    return {
      rule: id,
      status: "undecided",
      message:
        "The Neon plan or neon.compute.activeHoursPerMonth is unknown here, so the CU-hour budget cannot be computed.",
    };
  }
  const summaries: string[] = [];
  for (const project of projects) {
    const plan = expected.neonPlan as NeonPlan;
    const hours = expected.neonActiveHoursPerMonth as number;
    const label = neonProjectLabel(project);
    const settings = inputRecord(project.inputs.defaultEndpointSettings);
    const minCu = settings.autoscalingLimitMinCu;
    const maxCu = settings.autoscalingLimitMaxCu;
    if (typeof minCu !== "number" || typeof maxCu !== "number") {
      violations.push({
        rule: id,
        message: `${label} sets no defaultEndpointSettings autoscaling limits, so its compute could run at any size the plan allows; set neon.compute.minCu and maxCu.`,
      });
      continue;
    }
    violations.push(...computeSizeViolations(minCu, maxCu, plan, label));
    const computes: NeonComputeBudget[] = [
      { label: `${label}'s compute`, minCu, maxCu, activeHoursPerMonth: hours },
    ];
    for (const endpoint of others.filter(
      (resource) =>
        resource.type === RESOURCE_TYPES.neonEndpoint && resource.inputs.projectId === ownProjectId,
    )) {
      const endpointMax = endpoint.inputs.autoscalingLimitMaxCu;
      computes.push({
        label: `Endpoint "${endpoint.name}"`,
        minCu: Number(endpoint.inputs.autoscalingLimitMinCu ?? endpointMax),
        // Without a limit of its own, an endpoint gets the project's defaults.
        maxCu: typeof endpointMax === "number" ? endpointMax : maxCu,
        activeHoursPerMonth: hours,
      });
    }
    violations.push(...cuBudgetViolations(label, plan, computes));
    const worst = computes.reduce(
      (sum, compute) => sum + compute.maxCu * compute.activeHoursPerMonth,
      0,
    );
    summaries.push(
      `${label}: at most ${Math.round(worst * 100) / 100} CU-hours a month (${minCu}-${maxCu} CU, ${hours} active h) of the ${plan} plan's ${NEON_PLAN_LIMITS[plan].cuHoursPerProjectPerMonth}`,
    );
  }
  return violationsVerdict(id, violations, `${summaries.join("; ")}.`);
}
