import { lifecycleRetentionViolations, LIFECYCLE_RULE, type LifecycleRuleShape } from "./backup-lifecycle";
import { backupScheduleViolations, SCHEDULE_RULE } from "./backup-schedule";
import { costBudgetResult, type ServiceUsage } from "./cost-model";
import type { RailwayPlan } from "./cost-prices";
import { APP_URL_RULE, appDatabaseUrlViolations, BACKUP_URL_RULE, backupDatabaseUrlViolations } from "./database-url";
import { ENVIRONMENT_RULE, environmentViolations } from "./environment";
import { computeSizeViolations, CU_BUDGET_RULE, cuBudgetViolations, foreignComputeViolation, type NeonComputeBudget } from "./neon-compute";
import { historyRetentionViolations, NEON_PLAN_LIMITS, PITR_RULE, type NeonPlan } from "./neon-plan";
import { monthlyTransfer, TRANSFER_RULE, transferViolations } from "./neon-transfer";
import { evaluateRailwayRules } from "./railway-rules";
import { inputRecord, notApplicable, RESOURCE_TYPES, verdict } from "./rule-kit";
import type { RuleResult, Violation } from "./violation";

export const PROTECTED_RULE = "stateful-resources-protected";

/** Resource types whose deletion loses data; `pulumi up` must refuse to delete them. */
export const STATEFUL_TYPES = [
  RESOURCE_TYPES.neonProject,
  RESOURCE_TYPES.r2Bucket,
  // Redis keeps circuit-breaker state on it; deleting it loses that data.
  RESOURCE_TYPES.railwayVolume,
] as const;

const { neonProject: NEON_PROJECT, neonEndpoint: NEON_ENDPOINT, neonBranch: NEON_BRANCH, r2Bucket: R2_BUCKET, r2Lifecycle: R2_LIFECYCLE } = RESOURCE_TYPES;

/** What a stack declares, as recorded from the program: resources with their inputs, and the outputs. */
export interface StackSnapshot {
  readonly stack: string;
  readonly resources: readonly {
    readonly type: string;
    readonly name: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly protect: boolean;
  }[];
  readonly outputs: Readonly<Record<string, unknown>>;
  /** What the stack's config says must hold. */
  readonly expected: {
    readonly appUrlScheme: string;
    readonly neonPlan?: NeonPlan;
    /** Hours a month the stack's Neon compute is awake (`neon.compute.activeHoursPerMonth`). */
    readonly neonActiveHoursPerMonth?: number;
    readonly retentionDays?: number;
    readonly rpoHours?: number;
    /** Postgres major of the Neon server the backup job dumps. */
    readonly pgVersion?: number;
    /** `budget.monthlyUsd`: what the expected month may cost. */
    readonly budgetMonthlyUsd?: number;
    /** `budget.railwayPlan`: the workspace's Railway plan, whose prices and limits apply. */
    readonly railwayPlan?: RailwayPlan;
    /** `railway.<role>.usage` as the stack file sets it; what it leaves out takes the role's default. */
    readonly usage?: Readonly<Partial<Record<string, ServiceUsage>>>;
    /** One dump as it leaves Neon, in MB (`backups.expectedDumpMB`). */
    readonly expectedDumpMB?: number;
    /** The app's own public transfer from Neon a month (`neon.appTransferGBPerMonth`). */
    readonly appTransferGBPerMonth?: number;
  };
}

function result(rule: string, violations: Violation[], okMessage: string): RuleResult {
  return verdict(rule, violations.map((v) => v.message), okMessage);
}

function missing(rule: string, what: string): RuleResult {
  return { rule, status: "fail", message: `${what} is not declared, so the rule cannot hold; declare it.` };
}



type SnapshotResource = StackSnapshot["resources"][number];

function neonProjectLabel(project: SnapshotResource): string {
  return `Neon project ${JSON.stringify(project.inputs.name ?? project.name)} (resource ${project.name})`;
}

/**
 * The CU-hour budget of every Neon project the stack declares, read from the project's
 * `defaultEndpointSettings` (the size of the compute Neon creates with the project), plus any
 * Endpoint declared in it; an Endpoint or Branch in a project the stack does not declare
 * bills someone else's allowance, which is a failure in itself.
 */
function cuBudgetResult(snapshot: StackSnapshot): RuleResult {
  const { expected } = snapshot;
  const projects = snapshot.resources.filter((resource) => resource.type === NEON_PROJECT);
  const others = snapshot.resources.filter((resource) => resource.type === NEON_ENDPOINT || resource.type === NEON_BRANCH);
  if (projects.length === 0 && others.length === 0) return notApplicable(CU_BUDGET_RULE, `${snapshot.stack} declares no Neon compute`);
  const ownProjectId = snapshot.outputs.neonProjectId;
  const violations: Violation[] = others
    .filter((resource) => projects.length === 0 || resource.inputs.projectId !== ownProjectId)
    .map((resource) => foreignComputeViolation(`${resource.type} "${resource.name}"`, resource.inputs.projectId));
  if (projects.length > 0 && (expected.neonPlan === undefined || expected.neonActiveHoursPerMonth === undefined)) {
    if (violations.length) return result(CU_BUDGET_RULE, violations, "");
    return { rule: CU_BUDGET_RULE, status: "undecided", message: "The Neon plan or neon.compute.activeHoursPerMonth is unknown here, so the CU-hour budget cannot be computed." };
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
        rule: CU_BUDGET_RULE,
        message: `${label} sets no defaultEndpointSettings autoscaling limits, so its compute could run at any size the plan allows; set neon.compute.minCu and maxCu.`,
      });
      continue;
    }
    violations.push(...computeSizeViolations(minCu, maxCu, plan, label));
    const computes: NeonComputeBudget[] = [{ label: `${label}'s compute`, minCu, maxCu, activeHoursPerMonth: hours }];
    for (const endpoint of others.filter((resource) => resource.type === NEON_ENDPOINT && resource.inputs.projectId === ownProjectId)) {
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
    const worst = computes.reduce((sum, compute) => sum + compute.maxCu * compute.activeHoursPerMonth, 0);
    summaries.push(
      `${label}: at most ${Math.round(worst * 100) / 100} CU-hours a month (${minCu}-${maxCu} CU, ${hours} active h) of the ${plan} plan's ${NEON_PLAN_LIMITS[plan].cuHoursPerProjectPerMonth}`,
    );
  }
  return result(CU_BUDGET_RULE, violations, `${summaries.join("; ")}.`);
}

/** Backups and the app against the plan's monthly public transfer, from the schedule the stack exports. */
function transferResult(snapshot: StackSnapshot): RuleResult {
  const { expected } = snapshot;
  const schedule = snapshot.outputs.backupSchedule;
  if (typeof schedule !== "string" && expected.appTransferGBPerMonth === undefined) {
    return notApplicable(TRANSFER_RULE, `${snapshot.stack} schedules no backups and estimates no app transfer`);
  }
  if (expected.neonPlan === undefined) return { rule: TRANSFER_RULE, status: "undecided", message: "The Neon plan is unknown here, so its transfer allowance cannot be compared." };
  if (typeof schedule === "string" && expected.expectedDumpMB === undefined) {
    return { rule: TRANSFER_RULE, status: "undecided", message: "backups.expectedDumpMB is unknown here, so the backups' transfer cannot be computed." };
  }
  const budget = {
    plan: expected.neonPlan,
    schedule: typeof schedule === "string" ? schedule : undefined,
    rpoHours: expected.rpoHours,
    dumpMB: expected.expectedDumpMB,
    appGBPerMonth: expected.appTransferGBPerMonth,
  };
  try {
    return result(TRANSFER_RULE, transferViolations(budget), `${monthlyTransfer(budget).figure}.`);
  } catch {
    // An unreadable schedule is backup-schedule-meets-rpo's to report.
    return { rule: TRANSFER_RULE, status: "undecided", message: `backups.schedule "${schedule}" is not a schedule this rule can count.` };
  }
}

/** Every rule that applies to the stack, evaluated on the values actually wired into resources and outputs. */
export function evaluateStackRules(snapshot: StackSnapshot): RuleResult[] {
  const { outputs, expected, resources } = snapshot;
  const results: RuleResult[] = [
    result(ENVIRONMENT_RULE, environmentViolations(outputs.environment, snapshot.stack), `ENVIRONMENT is "${String(outputs.environment)}".`),
    typeof outputs.appDatabaseUrl === "string"
      ? result(APP_URL_RULE, appDatabaseUrlViolations(outputs.appDatabaseUrl, expected.appUrlScheme), `DATABASE_URL is ${expected.appUrlScheme}:// with no query string.`)
      : missing(APP_URL_RULE, "Output appDatabaseUrl"),
  ];

  const stateful = resources.filter((resource) => (STATEFUL_TYPES as readonly string[]).includes(resource.type));
  const unprotected = stateful.filter((resource) => !resource.protect);
  results.push(
    stateful.length === 0
      ? notApplicable(PROTECTED_RULE, `${snapshot.stack} declares no Neon project, R2 bucket or Railway volume`)
      : result(
          PROTECTED_RULE,
          unprotected.map((resource) => ({
            rule: PROTECTED_RULE,
            message: `${resource.type} "${resource.name}" holds data but is not protected; add protect: true.`,
          })),
          `Every Neon project, R2 bucket and Railway volume is protected (${stateful.map((resource) => resource.name).join(", ")}).`,
        ),
  );

  const projects = resources.filter((resource) => resource.type === NEON_PROJECT);
  if (projects.length === 0) {
    results.push(notApplicable(PITR_RULE, `${snapshot.stack} declares no Neon project`));
  } else if (expected.neonPlan === undefined) {
    results.push({ rule: PITR_RULE, status: "undecided", message: "The Neon plan is unknown here, so its PITR maximum cannot be compared." });
  } else {
    const plan = expected.neonPlan;
    const violations: Violation[] = [];
    for (const project of projects) {
      const seconds = project.inputs.historyRetentionSeconds;
      if (typeof seconds !== "number") {
        violations.push({ rule: PITR_RULE, message: `${neonProjectLabel(project)} sets no historyRetentionSeconds; the provider then sends 86400, which the ${plan} plan rejects.` });
      } else {
        violations.push(...historyRetentionViolations(seconds, plan));
      }
    }
    results.push(result(PITR_RULE, violations, `PITR window ${projects.map((p) => String(p.inputs.historyRetentionSeconds)).join(", ")} s fits the ${plan} plan.`));
  }
  results.push(cuBudgetResult(snapshot));
  results.push(transferResult(snapshot));

  const declaresBackups = expected.retentionDays !== undefined || resources.some((resource) => resource.type === R2_BUCKET);
  const noBackups = `${snapshot.stack} declares no backup bucket and runs no backups`;
  if (!declaresBackups) {
    results.push(notApplicable(BACKUP_URL_RULE, noBackups), notApplicable(LIFECYCLE_RULE, noBackups));
  } else {
    results.push(
      typeof outputs.backupDatabaseUrl === "string"
        ? result(BACKUP_URL_RULE, backupDatabaseUrlViolations(outputs.backupDatabaseUrl), "BACKUP_DATABASE_URL uses the direct host with ?sslmode=require.")
        : missing(BACKUP_URL_RULE, "Output backupDatabaseUrl"),
    );
    const lifecycle = resources.find((resource) => resource.type === R2_LIFECYCLE);
    results.push(
      expected.retentionDays === undefined
        ? { rule: LIFECYCLE_RULE, status: "undecided", message: "No retention is configured to compare the bucket's lifecycle with." }
        : lifecycle
          ? result(
              LIFECYCLE_RULE,
              lifecycleRetentionViolations((lifecycle.inputs.rules ?? []) as LifecycleRuleShape[], expected.retentionDays),
              `Backups expire after ${expected.retentionDays} days; incomplete uploads are aborted.`,
            )
          : missing(LIFECYCLE_RULE, "The R2 bucket lifecycle"),
    );
  }
  const schedule = outputs.backupSchedule;
  if (expected.rpoHours === undefined && schedule === undefined) {
    results.push(notApplicable(SCHEDULE_RULE, `${snapshot.stack} schedules no backups`));
  } else if (expected.rpoHours === undefined) {
    results.push({ rule: SCHEDULE_RULE, status: "undecided", message: "No RPO is configured to compare the backup schedule with." });
  } else {
    results.push(
      typeof schedule === "string"
        ? result(SCHEDULE_RULE, backupScheduleViolations(schedule, expected.rpoHours), `Backups "${schedule}" never leave more than ${expected.rpoHours} h.`)
        : missing(SCHEDULE_RULE, "Output backupSchedule"),
    );
  }
  results.push(...evaluateRailwayRules(snapshot));
  results.push(costBudgetResult(snapshot));
  return results;
}
