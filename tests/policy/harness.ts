import { createRequire } from "node:module";
import * as path from "node:path";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../policy/policies";

export const POLICY_DIR = path.resolve(__dirname, "../../policy");
/** @pulumi/policy as the pack itself resolves it (policy/node_modules once `npm ci` ran there). */
const requireFromPack = createRequire(path.join(POLICY_DIR, "package.json"));
export const packPolicy = requireFromPack("@pulumi/policy") as {
  unknownCheckingProxy: <T>(value: T) => T;
  UnknownValueError: new (...args: unknown[]) => Error;
};
const packProxy = requireFromPack("@pulumi/policy/proxy") as Record<string, string>;
/** What the engine sends for a string that is unknown until apply. */
export const UNKNOWN_STRING = packProxy.unknownStringValue as string;

export const PROJECT = "client-fulfillment-infra";
export const STACK_TYPE = "pulumi:pulumi:Stack";

/** A resource as recorded offline: what a stack policy reads of it. */
export interface FakeResource {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly protect?: boolean;
}

/** PolicyResources as the server builds them: props behind unknownCheckingProxy, URNs naming the stack. */
export function policyResources(
  stack: string,
  resources: readonly FakeResource[],
): PolicyResource[] {
  return resources.map((resource) => ({
    type: resource.type,
    name: resource.name,
    urn: `urn:pulumi:${stack}::${PROJECT}::${resource.type}::${resource.name}`,
    props: packPolicy.unknownCheckingProxy(structuredClone(resource.props)),
    opts: {
      protect: resource.protect === true,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
}

class NotApplicable extends Error {}

export interface Outcome {
  readonly violations: string[];
  readonly notApplicable?: string;
}

export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
  config: object = {},
): Promise<Outcome> {
  const violations: string[] = [];
  try {
    await policy.validateStack(
      {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
          throw new NotApplicable(reason ?? "");
        },
      },
      (message: string) => {
        violations.push(message);
      },
    );
  } catch (error) {
    if (error instanceof NotApplicable) return { violations, notApplicable: error.message };
    throw error;
  }
  return { violations };
}

/** Every policy of the pack over one stack, expecting what the committed stack file says unless `config` overrides it. */
export async function runPack(
  stack: string,
  resources: readonly FakeResource[],
  config: Record<string, object> = {},
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  for (const policy of POLICIES) {
    if (!("validateStack" in policy)) continue;
    outcomes.set(
      policy.name,
      await runStackPolicy(policy, policyResources(stack, resources), config[policy.name] ?? {}),
    );
  }
  return outcomes;
}

/** Applies `change` to every value (depth first), with the key it sits under. */
export function mapDeep(
  value: unknown,
  change: (value: unknown, key: string | undefined) => unknown,
  key?: string,
): unknown {
  const inner = Array.isArray(value)
    ? value.map((item) => mapDeep(item, change, key))
    : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapDeep(v, change, k)]))
      : value;
  return change(inner, key);
}

export function mapResources(
  resources: readonly FakeResource[],
  change: (value: unknown, key: string | undefined) => unknown,
): FakeResource[] {
  return resources.map((resource) => ({
    ...resource,
    props: mapDeep(resource.props, change) as Record<string, unknown>,
  }));
}

export function violated(outcomes: Map<string, Outcome>): string[] {
  return [...outcomes].filter(([, outcome]) => outcome.violations.length > 0).map(([name]) => name);
}
