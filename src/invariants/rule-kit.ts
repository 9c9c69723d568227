import type { ServiceUsage } from "./cost-model";
import type { RailwayPlan } from "./cost-prices";
import type { NeonPlan } from "./neon-plan";
import type { RuleResult, Violation } from "./violation";

/** Resource types the rules read, as Pulumi names them. */
export const RESOURCE_TYPES = {
  neonProject: "neon:index/project:Project",
  neonEndpoint: "neon:index/endpoint:Endpoint",
  neonBranch: "neon:index/branch:Branch",
  r2Bucket: "cloudflare:index/r2Bucket:R2Bucket",
  r2Lifecycle: "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle",
  railwayProject: "pulumi-nodejs:dynamic/railway:Project",
  railwayServiceConfig: "pulumi-nodejs:dynamic/railway:ServiceConfig",
  railwayServiceDomain: "pulumi-nodejs:dynamic/railway:ServiceDomain",
  railwayVolume: "pulumi-nodejs:dynamic/railway:Volume",
} as const;

/** What the stack's config says must hold (stackExpectations reads it from the stack file). */
export interface StackExpectations {
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
}

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
  readonly expected: StackExpectations;
}

export type SnapshotResource = StackSnapshot["resources"][number];

/**
 * One invariant: the plan reports it, the pack enforces it as the policy named `id`, the
 * tests select it by `id`. Exported as the camelCase of its id (tests/invariants/catalogue.test.ts).
 */
export interface Rule {
  readonly id: string;
  /** One sentence of what must hold; the policy's description. */
  readonly description: string;
  evaluate(snapshot: StackSnapshot): RuleResult;
}

/** An input that should be an object, or an empty one: rules read fields of it without guarding each. */
export function inputRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** `pass` with the message saying what holds, or `fail` with every problem. */
export function verdict(
  rule: string,
  problems: readonly string[],
  passMessage: string,
): RuleResult {
  return problems.length === 0
    ? { rule, status: "pass", message: passMessage }
    : { rule, status: "fail", message: problems.join(" ") };
}

/** `verdict` over the violations of the rule's pure checks. */
export function violationsVerdict(
  rule: string,
  violations: readonly Violation[],
  passMessage: string,
): RuleResult {
  return verdict(
    rule,
    violations.map((violation) => violation.message),
    passMessage,
  );
}

/** The stack declares nothing the rule is about: said so, never a pass. */
export function notApplicable(rule: string, why: string): RuleResult {
  return { rule, status: "not-applicable", message: `not applicable: ${why}.` };
}

/** A value the rule reads is missing from a stack that should have it. */
export function undeclared(rule: string, what: string): RuleResult {
  return {
    rule,
    status: "fail",
    message: `${what} is not declared, so the rule cannot hold; declare it.`,
  };
}

/** Why the backup rules do not apply, or undefined when the stack configures a retention or declares a bucket. */
export function withoutBackups(snapshot: StackSnapshot): string | undefined {
  const declares =
    snapshot.expected.retentionDays !== undefined ||
    snapshot.resources.some((resource) => resource.type === RESOURCE_TYPES.r2Bucket);
  return declares ? undefined : `${snapshot.stack} declares no backup bucket and runs no backups`;
}
