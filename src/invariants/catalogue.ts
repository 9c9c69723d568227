import { backupRetentionMatchesConfig } from "./backup-lifecycle";
import { backupScheduleMeetsRpo } from "./backup-schedule";
import { monthlyCostWithinBudget } from "./cost-model";
import { appDatabaseUrlHasNoQuery, backupDatabaseUrlDirectAndSsl } from "./database-url";
import { environmentMatchesStack } from "./environment";
import { neonCuHoursWithinPlan } from "./neon-compute";
import { pitrWithinPlan } from "./neon-plan";
import { neonTransferWithinPlan } from "./neon-transfer";
import {
  backupClientMatchesServer,
  backupCronMeetsRpo,
  backupJobWritesRetainedBucket,
  crawl4aiPrivateWithToken,
  railwayReferencesResolve,
  serviceDatabaseUrlHasNoQuery,
  serviceEnvironmentMatchesStack,
  webServicesLeavePortToRailway,
} from "./railway-rules";
import type { Rule, StackSnapshot } from "./rule-kit";
import { statefulResourcesProtected } from "./stateful-resources";
import type { RuleResult } from "./violation";

/**
 * Every rule, in the order the plan reports them; the policy pack registers one policy per rule
 * from this list. A rule defined elsewhere and missing here fails tests/invariants/catalogue.test.ts.
 */
export const RULES: readonly Rule[] = [
  environmentMatchesStack,
  appDatabaseUrlHasNoQuery,
  statefulResourcesProtected,
  pitrWithinPlan,
  neonCuHoursWithinPlan,
  neonTransferWithinPlan,
  backupDatabaseUrlDirectAndSsl,
  backupRetentionMatchesConfig,
  backupScheduleMeetsRpo,
  serviceDatabaseUrlHasNoQuery,
  serviceEnvironmentMatchesStack,
  webServicesLeavePortToRailway,
  railwayReferencesResolve,
  crawl4aiPrivateWithToken,
  backupClientMatchesServer,
  backupCronMeetsRpo,
  backupJobWritesRetainedBucket,
  monthlyCostWithinBudget,
];

/** Every rule, evaluated on the values actually wired into the stack's resources and outputs. */
export function evaluateStackRules(snapshot: StackSnapshot): RuleResult[] {
  return RULES.map((rule) => rule.evaluate(snapshot));
}
