import type { Violation } from "./violation";

export const PITR_RULE = "pitr-within-plan";

/**
 * Limits of the Neon plans this project can run on. Neon rejects a project whose
 * history retention exceeds the plan's maximum, and the Free plan refuses any
 * change to the suspend timeout (scale-to-zero after 5 min cannot be disabled).
 */
export const NEON_PLAN_LIMITS = {
  free: { maxHistoryRetentionSeconds: 21_600, suspendTimeoutConfigurable: false },
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
