import type { Violation } from "./violation";

export const PITR_RULE = "pitr-within-plan";

/**
 * Limits of the Neon plans this project can run on (neon.com/docs/introduction/plans and
 * neon.com/faqs/free-plan-limits-and-quotas): Neon rejects a project whose history retention
 * exceeds the plan's maximum; compute is billed in CU-hours (compute size × active hours) and
 * the Free plan's allowance is per project, after which Neon suspends the project's computes;
 * autoscaling goes up to 2 CU; scale-to-zero after 5 min is fixed (not configurable); 5 GB a month
 * of public network transfer, after which Neon suspends the compute as well.
 */
export const NEON_PLAN_LIMITS = {
  free: { maxHistoryRetentionSeconds: 21_600, cuHoursPerProjectPerMonth: 100, minCu: 0.25, maxCu: 2, publicTransferGBPerMonth: 5 },
} as const;

export type NeonPlan = keyof typeof NEON_PLAN_LIMITS;

export function historyRetentionViolations(seconds: number, plan: NeonPlan): Violation[] {
  const max = NEON_PLAN_LIMITS[plan].maxHistoryRetentionSeconds;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > max) {
    return [
      {
        rule: PITR_RULE,
        message: `historyRetentionSeconds is ${seconds}, but the Neon ${plan} plan allows 0 to ${max} (Neon answers HTTP 400 "exceeds allowed maximum"). Set it to ${max} or less.`,
      },
    ];
  }
  return [];
}
