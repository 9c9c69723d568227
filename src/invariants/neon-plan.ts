import {
  notApplicable,
  RESOURCE_TYPES,
  violationsVerdict,
  type Rule,
  type SnapshotResource,
} from "./rule-kit";
import type { Violation } from "./violation";

export const pitrWithinPlan: Rule = {
  id: "pitr-within-plan",
  description: "The Neon project's PITR window fits its plan.",
  evaluate({ stack, resources, expected }) {
    const { id } = pitrWithinPlan;
    const projects = resources.filter((resource) => resource.type === RESOURCE_TYPES.neonProject);
    if (projects.length === 0) return notApplicable(id, `${stack} declares no Neon project`);
    const plan = expected.neonPlan;
    if (plan === undefined)
      return {
        rule: id,
        status: "undecided",
        message: "The Neon plan is unknown here, so its PITR maximum cannot be compared.",
      };
    const violations = projects.flatMap((project): Violation[] => {
      const seconds = project.inputs.historyRetentionSeconds;
      if (typeof seconds === "number") return historyRetentionViolations(seconds, plan);
      return [
        {
          rule: id,
          message: `${neonProjectLabel(project)} sets no historyRetentionSeconds; the provider then sends 86400, which the ${plan} plan rejects.`,
        },
      ];
    });
    return violationsVerdict(
      id,
      violations,
      `PITR window ${projects.map((p) => String(p.inputs.historyRetentionSeconds)).join(", ")} s fits the ${plan} plan.`,
    );
  },
};

/**
 * Limits of the Neon plans this project can run on (neon.com/docs/introduction/plans and
 * neon.com/faqs/free-plan-limits-and-quotas): Neon rejects a project whose history retention
 * exceeds the plan's maximum; compute is billed in CU-hours (compute size × active hours) and
 * the Free plan's allowance is per project, after which Neon suspends the project's computes;
 * autoscaling goes up to 2 CU; scale-to-zero after 5 min is fixed (not configurable); 5 GB a month
 * of public network transfer, after which Neon suspends the compute as well.
 */
export const NEON_PLAN_LIMITS = {
  free: {
    maxHistoryRetentionSeconds: 21_600,
    cuHoursPerProjectPerMonth: 100,
    minCu: 0.25,
    maxCu: 2,
    publicTransferGBPerMonth: 5,
  },
} as const;

export type NeonPlan = keyof typeof NEON_PLAN_LIMITS;

export function historyRetentionViolations(seconds: number, plan: NeonPlan): Violation[] {
  const max = NEON_PLAN_LIMITS[plan].maxHistoryRetentionSeconds;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > max) {
    return [
      {
        rule: pitrWithinPlan.id,
        message: `historyRetentionSeconds is ${seconds}, but the Neon ${plan} plan allows 0 to ${max} (Neon answers HTTP 400 "exceeds allowed maximum"). Set it to ${max} or less.`,
      },
    ];
  }
  return [];
}

/** How the Neon rules name a project: its Neon name and the resource that declares it. */
export function neonProjectLabel(project: SnapshotResource): string {
  return `Neon project ${JSON.stringify(project.inputs.name ?? project.name)} (resource ${project.name})`;
}
