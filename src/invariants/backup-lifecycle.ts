import type { Violation } from "./violation";

export const LIFECYCLE_RULE = "backup-retention-matches-config";

const SECONDS_PER_DAY = 86_400;

/** The subset of an R2 lifecycle rule (cloudflare.R2BucketLifecycle `rules[]`) the invariant reads. */
export interface LifecycleRuleShape {
  readonly id?: string;
  readonly enabled?: boolean;
  readonly conditions?: { readonly prefix?: string };
  readonly deleteObjectsTransition?: { readonly condition?: { readonly type?: string; readonly maxAge?: number } };
  readonly abortMultipartUploadsTransition?: { readonly condition?: { readonly type?: string; readonly maxAge?: number } };
}

/**
 * Every backup must be kept exactly the configured number of days: R2's `maxAge`
 * is in seconds (days there silently expire backups after seconds), and declaring
 * rules replaces R2's default abort-incomplete-multipart rule, so it is required too.
 */
export function lifecycleRetentionViolations(rules: readonly LifecycleRuleShape[], retentionDays: number): Violation[] {
  const violations: Violation[] = [];
  const expected = retentionDays * SECONDS_PER_DAY;
  const enabled = rules.filter((rule) => rule.enabled === true);
  const expiries = enabled.filter((rule) => rule.deleteObjectsTransition?.condition !== undefined);

  const expiresEverything = expiries.filter(
    (rule) => (rule.conditions?.prefix ?? "") === "" && rule.deleteObjectsTransition?.condition?.type === "Age",
  );
  if (!expiresEverything.some((rule) => rule.deleteObjectsTransition?.condition?.maxAge === expected)) {
    const found = expiresEverything.map((rule) => rule.deleteObjectsTransition?.condition?.maxAge);
    violations.push({
      rule: LIFECYCLE_RULE,
      message:
        `No enabled lifecycle rule deletes all objects after ${retentionDays} days (maxAge ${expected} s; R2 counts seconds). ` +
        `Found maxAge ${found.length ? found.join(", ") : "none"}. Set deleteObjectsTransition.condition.maxAge to ${expected}.`,
    });
  }
  for (const rule of expiries) {
    const maxAge = rule.deleteObjectsTransition?.condition?.maxAge;
    if (maxAge !== undefined && maxAge < expected) {
      violations.push({
        rule: LIFECYCLE_RULE,
        message: `Lifecycle rule "${rule.id ?? "?"}" deletes objects after ${maxAge} s, before the ${retentionDays}-day retention. Remove it or raise maxAge to ${expected}.`,
      });
    }
  }
  if (!enabled.some((rule) => rule.abortMultipartUploadsTransition?.condition?.maxAge !== undefined)) {
    violations.push({
      rule: LIFECYCLE_RULE,
      message:
        "No rule aborts incomplete multipart uploads; declaring lifecycle rules replaces R2's default one, so add abortMultipartUploadsTransition.",
    });
  }
  return violations;
}
