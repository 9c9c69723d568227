import { RAILWAY_ROLES, type RailwayRole, type StackConfig } from "../config";
import type { ServiceUsage } from "./cost-model";
import type { StackExpectations } from "./rule-kit";

/**
 * What a stack's config says the rules must check against. The offline plan and the policy pack
 * (policy/stack-expectations.ts) both take it from the stack file through this function.
 */
export function stackExpectations(config: StackConfig): StackExpectations {
  const database = {
    appUrlScheme: config.database.appUrlScheme,
    neonPlan: config.neon.plan,
    neonActiveHoursPerMonth: config.neon.compute.activeHoursPerMonth,
    ...costExpectations(config),
  };
  return config.environment === "production"
    ? {
        ...database,
        retentionDays: config.backups.retentionDays,
        rpoHours: config.backups.rpoHours,
        pgVersion: config.neon.pgVersion,
        expectedDumpMB: config.backups.expectedDumpMB,
        ...(config.neon.appTransferGBPerMonth === undefined
          ? {}
          : { appTransferGBPerMonth: config.neon.appTransferGBPerMonth }),
      }
    : database;
}

/** The budget and the usage keys the stack file sets; the cost model applies its defaults to the rest. */
function costExpectations(config: StackConfig) {
  const railway: Partial<Record<RailwayRole, { usage?: ServiceUsage }>> = config.railway;
  const usage = Object.fromEntries(
    RAILWAY_ROLES.flatMap((role) => (railway[role]?.usage ? [[role, railway[role].usage]] : [])),
  );
  return {
    budgetMonthlyUsd: config.budget.monthlyUsd,
    railwayPlan: config.budget.railwayPlan,
    usage,
  };
}
