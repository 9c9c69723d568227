import {
  notApplicable,
  RESOURCE_TYPES,
  undeclared,
  violationsVerdict,
  withoutBackups,
  type Rule,
} from "./rule-kit";
import type { Violation } from "./violation";

export const backupRetentionMatchesConfig: Rule = {
  id: "backup-retention-matches-config",
  description:
    "R2 deletes backups after exactly the configured retention and aborts incomplete uploads.",
  evaluate(snapshot) {
    const { id } = backupRetentionMatchesConfig;
    const noBackups = withoutBackups(snapshot);
    if (noBackups) return notApplicable(id, noBackups);
    const { retentionDays } = snapshot.expected;
    if (retentionDays === undefined)
      return {
        rule: id,
        status: "undecided",
        message: "No retention is configured to compare the bucket's lifecycle with.",
      };
    const lifecycle = snapshot.resources.find(
      (resource) => resource.type === RESOURCE_TYPES.r2Lifecycle,
    );
    if (!lifecycle) return undeclared(id, "The R2 bucket lifecycle");
    return violationsVerdict(
      id,
      lifecycleRetentionViolations(
        (lifecycle.inputs.rules ?? []) as LifecycleRuleShape[],
        retentionDays,
      ),
      `Backups expire after ${retentionDays} days; incomplete uploads are aborted.`,
    );
  },
};

const SECONDS_PER_DAY = 86_400;

/** The subset of an R2 lifecycle rule (cloudflare.R2BucketLifecycle `rules[]`) the invariant reads. */
export interface LifecycleRuleShape {
  readonly id?: string;
  readonly enabled?: boolean;
  readonly conditions?: { readonly prefix?: string };
  readonly deleteObjectsTransition?: {
    readonly condition?: { readonly type?: string; readonly maxAge?: number };
  };
  readonly abortMultipartUploadsTransition?: {
    readonly condition?: { readonly type?: string; readonly maxAge?: number };
  };
}

/**
 * Every backup must be kept exactly the configured number of days: R2's `maxAge`
 * is in seconds (days there silently expire backups after seconds), and declaring
 * rules replaces R2's default abort-incomplete-multipart rule, so it is required too.
 */
export function lifecycleRetentionViolations(
  rules: readonly LifecycleRuleShape[],
  retentionDays: number,
): Violation[] {
  const violations: Violation[] = [];
  const expected = retentionDays * SECONDS_PER_DAY;
  const enabled = rules.filter((rule) => rule.enabled === true);
  const expiries = enabled.filter((rule) => rule.deleteObjectsTransition?.condition !== undefined);

  const expiresEverything = expiries.filter(
    (rule) =>
      (rule.conditions?.prefix ?? "") === "" &&
      rule.deleteObjectsTransition?.condition?.type === "Age",
  );
  if (
    !expiresEverything.some((rule) => rule.deleteObjectsTransition?.condition?.maxAge === expected)
  ) {
    const found = expiresEverything.map((rule) => rule.deleteObjectsTransition?.condition?.maxAge);
    violations.push({
      rule: backupRetentionMatchesConfig.id,
      message:
        `No enabled lifecycle rule deletes all objects after ${retentionDays} days (maxAge ${expected} s; R2 counts seconds). ` +
        `Found maxAge ${found.length ? found.join(", ") : "none"}. Set deleteObjectsTransition.condition.maxAge to ${expected}.`,
    });
  }
  for (const rule of expiries) {
    const maxAge = rule.deleteObjectsTransition?.condition?.maxAge;
    if (maxAge !== undefined && maxAge < expected) {
      violations.push({
        rule: backupRetentionMatchesConfig.id,
        message: `Lifecycle rule "${rule.id ?? "?"}" deletes objects after ${maxAge} s, before the ${retentionDays}-day retention. Remove it or raise maxAge to ${expected}.`,
      });
    }
  }
  if (
    !enabled.some((rule) => rule.abortMultipartUploadsTransition?.condition?.maxAge !== undefined)
  ) {
    violations.push({
      rule: backupRetentionMatchesConfig.id,
      message:
        "No rule aborts incomplete multipart uploads; declaring lifecycle rules replaces R2's default one, so add abortMultipartUploadsTransition.",
    });
  }
  return violations;
}
