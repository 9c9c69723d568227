import type { RuleResult } from "./violation";

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

/** An input that should be an object, or an empty one: rules read fields of it without guarding each. */
export function inputRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `pass` with the message saying what holds, or `fail` with every problem. */
export function verdict(rule: string, problems: readonly string[], passMessage: string): RuleResult {
  return problems.length === 0 ? { rule, status: "pass", message: passMessage } : { rule, status: "fail", message: problems.join(" ") };
}

/** The stack declares nothing the rule is about: said so, never a pass. */
export function notApplicable(rule: string, why: string): RuleResult {
  return { rule, status: "not-applicable", message: `not applicable: ${why}.` };
}
