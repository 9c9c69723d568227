import type {
  BuilderKind,
  RestartPolicyType,
  ServiceInstanceRecord,
  ServiceSourceSettings,
} from "./records.js";

export interface ServiceSourceInput {
  image?: string | null;
  repo?: string | null;
}

/** `ServiceInstanceUpdateInput` from Railway's schema (registry credentials are accepted and ignored). */
export interface ServiceInstanceUpdateInput {
  buildCommand?: string | null;
  builder?: BuilderKind | null;
  cronSchedule?: string | null;
  dockerfilePath?: string | null;
  drainingSeconds?: number | null;
  healthcheckPath?: string | null;
  healthcheckTimeout?: number | null;
  ipv6EgressEnabled?: boolean | null;
  multiRegionConfig?: unknown;
  nixpacksPlan?: unknown;
  numReplicas?: number | null;
  overlapSeconds?: number | null;
  preDeployCommand?: string[] | null;
  railwayConfigFile?: string | null;
  region?: string | null;
  registryCredentials?: unknown;
  restartPolicyMaxRetries?: number | null;
  restartPolicyType?: RestartPolicyType | null;
  rootDirectory?: string | null;
  sleepApplication?: boolean | null;
  source?: ServiceSourceInput | null;
  startCommand?: string | null;
  watchPatterns?: string[] | null;
}

export function toSourceSettings(
  input: ServiceSourceInput | null | undefined,
  branch?: string | null,
): ServiceSourceSettings | null {
  if (!input || (!input.image && !input.repo)) return null;
  return {
    image: input.image ?? null,
    repo: input.repo ?? null,
    branch: input.repo ? (branch ?? null) : null,
  };
}

const CLEARABLE_KEYS = [
  "buildCommand",
  "cronSchedule",
  "dockerfilePath",
  "drainingSeconds",
  "healthcheckPath",
  "healthcheckTimeout",
  "multiRegionConfig",
  "nixpacksPlan",
  "overlapSeconds",
  "preDeployCommand",
  "railwayConfigFile",
  "region",
  "rootDirectory",
  "startCommand",
] as const satisfies ReadonlyArray<keyof ServiceInstanceUpdateInput & keyof ServiceInstanceRecord>;

/** Fields that are non-null on Railway's `ServiceInstance`, so an explicit null keeps the old value. */
const NON_NULL_KEYS = [
  "builder",
  "ipv6EgressEnabled",
  "restartPolicyMaxRetries",
  "restartPolicyType",
  "sleepApplication",
  "watchPatterns",
] as const satisfies ReadonlyArray<keyof ServiceInstanceUpdateInput & keyof ServiceInstanceRecord>;

function assignField<TKey extends keyof ServiceInstanceRecord>(
  instance: ServiceInstanceRecord,
  key: TKey,
  value: unknown,
): void {
  // Values come from the schema-validated input, whose field types mirror the record's.
  instance[key] = value as ServiceInstanceRecord[TKey];
}

/**
 * Applies `serviceInstanceUpdate` the way Railway does: omitted fields keep their value, except
 * `numReplicas`, which Railway resets to 1 whenever the input leaves it out.
 */
export function applyServiceInstanceUpdate(
  instance: ServiceInstanceRecord,
  input: ServiceInstanceUpdateInput,
  now: string,
): void {
  for (const key of CLEARABLE_KEYS) {
    if (key in input) assignField(instance, key, input[key] ?? null);
  }
  for (const key of NON_NULL_KEYS) {
    const value = input[key];
    if (value !== undefined && value !== null)
      assignField(instance, key, Array.isArray(value) ? [...value] : value);
  }
  if ("preDeployCommand" in input && input.preDeployCommand)
    instance.preDeployCommand = [...input.preDeployCommand];
  if ("source" in input) instance.source = toSourceSettings(input.source, instance.source?.branch);
  instance.numReplicas = input.numReplicas ?? 1;
  instance.updatedAt = now;
}
