import { lifecycleRetentionViolations, LIFECYCLE_RULE, type LifecycleRuleShape } from "./backup-lifecycle";
import { backupScheduleViolations, SCHEDULE_RULE } from "./backup-schedule";
import { APP_URL_RULE, appDatabaseUrlViolations, BACKUP_URL_RULE, backupDatabaseUrlViolations } from "./database-url";
import { ENVIRONMENT_RULE, environmentViolations } from "./environment";
import { historyRetentionViolations, PITR_RULE, type NeonPlan } from "./neon-plan";
import { evaluateRailwayRules } from "./railway-rules";
import type { RuleResult, Violation } from "./violation";

export const PROTECTED_RULE = "stateful-resources-protected";

/** Resource types whose deletion loses data; `pulumi up` must refuse to delete them. */
export const STATEFUL_TYPES = ["neon:index/project:Project", "cloudflare:index/r2Bucket:R2Bucket"] as const;

const NEON_PROJECT = "neon:index/project:Project";
const R2_LIFECYCLE = "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle";

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
    readonly retentionDays?: number;
    readonly rpoHours?: number;
    /** Postgres major of the Neon server the backup job dumps. */
    readonly pgVersion?: number;
  };
}

function result(rule: string, violations: Violation[], okMessage: string): RuleResult {
  return violations.length === 0
    ? { rule, status: "pass", message: okMessage }
    : { rule, status: "fail", message: violations.map((v) => v.message).join(" ") };
}

function missing(rule: string, what: string): RuleResult {
  return { rule, status: "fail", message: `${what} is not declared, so the rule cannot hold; declare it.` };
}

/** Every rule that applies to the stack, evaluated on the values actually wired into resources and outputs. */
export function evaluateStackRules(snapshot: StackSnapshot): RuleResult[] {
  const { outputs, expected } = snapshot;
  const results: RuleResult[] = [
    result(ENVIRONMENT_RULE, environmentViolations(outputs.environment, snapshot.stack), `ENVIRONMENT is "${String(outputs.environment)}".`),
    typeof outputs.appDatabaseUrl === "string"
      ? result(APP_URL_RULE, appDatabaseUrlViolations(outputs.appDatabaseUrl, expected.appUrlScheme), `DATABASE_URL is ${expected.appUrlScheme}:// with no query string.`)
      : missing(APP_URL_RULE, "Output appDatabaseUrl"),
  ];

  const unprotected = snapshot.resources.filter(
    (resource) => (STATEFUL_TYPES as readonly string[]).includes(resource.type) && !resource.protect,
  );
  results.push(
    result(
      PROTECTED_RULE,
      unprotected.map((resource) => ({
        rule: PROTECTED_RULE,
        message: `${resource.type} "${resource.name}" holds data but is not protected; add protect: true.`,
      })),
      "Every Neon project and R2 bucket is protected.",
    ),
  );

  if (expected.neonPlan !== undefined) {
    const project = snapshot.resources.find((resource) => resource.type === NEON_PROJECT);
    const seconds = project?.inputs.historyRetentionSeconds;
    results.push(
      typeof seconds === "number"
        ? result(PITR_RULE, historyRetentionViolations(seconds, expected.neonPlan), `PITR window ${seconds} s fits the ${expected.neonPlan} plan.`)
        : missing(PITR_RULE, "The Neon project's historyRetentionSeconds"),
    );
  }
  if (expected.retentionDays !== undefined) {
    results.push(
      typeof outputs.backupDatabaseUrl === "string"
        ? result(BACKUP_URL_RULE, backupDatabaseUrlViolations(outputs.backupDatabaseUrl), "BACKUP_DATABASE_URL uses the direct host with ?sslmode=require.")
        : missing(BACKUP_URL_RULE, "Output backupDatabaseUrl"),
    );
    const lifecycle = snapshot.resources.find((resource) => resource.type === R2_LIFECYCLE);
    results.push(
      lifecycle
        ? result(
            LIFECYCLE_RULE,
            lifecycleRetentionViolations((lifecycle.inputs.rules ?? []) as LifecycleRuleShape[], expected.retentionDays),
            `Backups expire after ${expected.retentionDays} days; incomplete uploads are aborted.`,
          )
        : missing(LIFECYCLE_RULE, "The R2 bucket lifecycle"),
    );
  }
  if (expected.rpoHours !== undefined) {
    const schedule = outputs.backupSchedule;
    results.push(
      typeof schedule === "string"
        ? result(SCHEDULE_RULE, backupScheduleViolations(schedule, expected.rpoHours), `Backups "${schedule}" never leave more than ${expected.rpoHours} h.`)
        : missing(SCHEDULE_RULE, "Output backupSchedule"),
    );
  }
  results.push(...evaluateRailwayRules(snapshot));
  return results;
}
