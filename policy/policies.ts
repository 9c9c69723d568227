/**
 * The pack's policies, apart from index.ts so tests can import them without starting
 * the PolicyPack's gRPC server. Every policy calls the same evaluateStackRules as the
 * tests and the offline plan (../src/invariants); nothing here re-implements a rule.
 *
 * - One mandatory stack policy per rule of the catalogue (src/invariants/catalogue.ts), named
 *   and described as the rule: a `fail` is a violation with the rule's message; `pass` is
 *   silent; `not-applicable` is reported as such.
 * - `invariants-undecided`: advisory. A rule whose verdict depends on a value that is
 *   unknown until apply (a preview of new resources) is reported here, never passed
 *   silently; the mandatory policy stays quiet for it.
 * - `invariants-uncatalogued`: mandatory. Fails of a rule id that has no policy of its
 *   own, should a result ever carry an id the catalogue does not list.
 * - Expected values (retention, RPO, plans, budget) come from the stack file
 *   (stack-expectations.ts); policy config can override them per stack.
 *
 * Policies see secrets in plain text: reported messages are the invariants' messages
 * (written without values), resource names and property paths, never property values.
 */
import type {
  Policies,
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import { evaluateStackRules, RULES } from "../src/invariants/catalogue";
import type { Rule, StackExpectations, StackSnapshot } from "../src/invariants/rule-kit";
import type { RuleResult, RuleStatus } from "../src/invariants/violation";
import { stackFileExpectations } from "./stack-expectations";

export const UNDECIDED_POLICY = "invariants-undecided";
export const UNCATALOGUED_POLICY = "invariants-uncatalogued";

/** Per-policy config (`--policy-pack-config`): `{ "<policy>": { "expected": { "<stack>": { "retentionDays": 14 } } } }`. */
export interface RulePolicyConfig {
  readonly expected?: Readonly<Record<string, Partial<StackExpectations>>>;
  /** Overrides the stack name read from the resources' URNs. */
  readonly stack?: string;
}

const CONFIG_SCHEMA = {
  properties: {
    expected: {
      type: "object",
      description:
        "Per stack name, values that override what Pulumi.<stack>.yaml says (appUrlScheme, neonPlan, neonActiveHoursPerMonth, retentionDays, rpoHours, pgVersion, budgetMonthlyUsd, railwayPlan, usage, expectedDumpMB, appTransferGBPerMonth).",
    },
    stack: {
      type: "string",
      description: "Stack name; read from the resources' URNs when omitted.",
    },
  },
} as const;

const STACK_TYPE = "pulumi:pulumi:Stack";

/** The engine's unknown-value sentinels (internal exports of @pulumi/policy/proxy, typed `{}` there). */
const proxyInternals = policyProxy as unknown as Record<string, unknown>;
const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set(
  Object.entries(proxyInternals)
    .filter(([key]) => /^unknown[A-Z]\w*Value$/.test(key))
    .map(([, value]) => value),
);
const PROXY_TARGET = String(proxyInternals.getSpecialProxyTarget ?? "__getSpecialProxyTarget");
if (UNKNOWN_SENTINELS.size === 0)
  throw new Error(
    "@pulumi/policy/proxy no longer exports its unknown sentinels; update policy/policies.ts",
  );

/** The object behind an unknownCheckingProxy (reading through the proxy throws on unknowns). */
function unproxied(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  const target = (value as Record<string, unknown>)[PROXY_TARGET];
  return target ?? value;
}

/** Plain data with every unknown replaced by `marker`; the paths of the unknowns go to `unknownPaths`. */
function plain(value: unknown, marker: unknown, where: string, unknownPaths: string[]): unknown {
  const raw = unproxied(value);
  if (UNKNOWN_SENTINELS.has(raw)) {
    unknownPaths.push(where);
    return marker;
  }
  if (Array.isArray(raw))
    return raw.map((item, index) => plain(item, marker, `${where}[${index}]`, unknownPaths));
  if (typeof raw === "object" && raw !== null) {
    return Object.fromEntries(
      Object.entries(raw)
        .filter(([key]) => key !== "__provider")
        .map(([key, inner]) => [key, plain(inner, marker, `${where}.${key}`, unknownPaths)]),
    );
  }
  return raw;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` */
export function stackFromUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/**
 * A stack policy gets no outputs argument; the engine passes the root Stack resource with
 * the stack outputs as its properties. Without them, every output counts as unknown, so
 * rules on outputs become undecided instead of failing on "not declared".
 */
function stackOutputs(
  root: PolicyResource | undefined,
  marker: unknown,
  unknownPaths: string[],
): Record<string, unknown> {
  const props = root
    ? (plain(root.props, marker, "outputs", unknownPaths) as Record<string, unknown>)
    : {};
  if (Object.keys(props).length > 0) return props;
  unknownPaths.push("outputs (not visible to this policy run)");
  return new Proxy({}, { get: (_target, key) => (typeof key === "string" ? marker : undefined) });
}

/** The stack the resources belong to: policy config's `stack`, else their URNs. */
function stackOf(resources: readonly PolicyResource[], config: RulePolicyConfig): string {
  return (
    config.stack ??
    resources.map((resource) => stackFromUrn(resource.urn)).find((name) => name !== undefined) ??
    ""
  );
}

/** What the rules expect of the stack: what its stack file says, then the policy config's overrides. */
function expectationsFor(
  stack: string,
  config: RulePolicyConfig,
  projectDir?: string,
): StackExpectations {
  return { ...stackFileExpectations(stack, projectDir), ...config.expected?.[stack] };
}

/** The snapshot the invariants take, built from what a stack policy sees. */
export function snapshotFromPolicyResources(
  resources: readonly PolicyResource[],
  stack: string,
  expected: StackExpectations,
  marker: unknown,
  unknownPaths: string[] = [],
): StackSnapshot {
  const root = resources.find((resource) => resource.type === STACK_TYPE);
  return {
    stack,
    resources: resources
      .filter((resource) => resource.type !== STACK_TYPE)
      .map((resource) => ({
        type: resource.type,
        name: resource.name,
        inputs: plain(resource.props, marker, resource.name, unknownPaths) as Record<
          string,
          unknown
        >,
        protect: resource.opts?.protect === true,
      })),
    outputs: stackOutputs(root, marker, unknownPaths),
    expected,
  };
}

/** Stand-ins for unknowns: a rule whose verdict differs between them depends on an unknown. */
const MARKERS: readonly unknown[] = ["[unknown until apply]", Number.NaN];

/**
 * Every policy of the pack evaluates the same stack: the server hands each one its own copy of
 * the resources, so results are memoised by content (a few entries, for one preview at a time).
 */
const memo = new Map<string, RuleResult[] | Error>();
const MEMO_SIZE = 8;

function evaluateWith(snapshot: StackSnapshot, marker: unknown): RuleResult[] | Error {
  const key = `${String(marker)}\u0000${JSON.stringify(snapshot)}`;
  const cached = memo.get(key);
  if (cached) return cached;
  let results: RuleResult[] | Error;
  try {
    results = evaluateStackRules(snapshot);
  } catch (error) {
    results = error instanceof Error ? error : new Error(String(error));
  }
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  memo.set(key, results);
  return results;
}

/**
 * evaluateStackRules over the stack, with unknowns made explicit: with no unknown value
 * the results are final; otherwise each rule is evaluated with two different stand-ins,
 * and a rule whose status or message changes is `undecided` (its verdict waits for apply).
 * `projectDir` holds the stack files (the project above policy/ unless a test says otherwise).
 */
export function decideRules(
  resources: readonly PolicyResource[],
  config: RulePolicyConfig = {},
  projectDir?: string,
): RuleResult[] {
  const stack = stackOf(resources, config);
  const expected = expectationsFor(stack, config, projectDir);
  const unknownPaths: string[] = [];
  snapshotFromPolicyResources(resources, stack, expected, MARKERS[0], unknownPaths);
  const [first, ...others] = MARKERS.map((marker) =>
    evaluateWith(snapshotFromPolicyResources(resources, stack, expected, marker), marker),
  );
  if (unknownPaths.length === 0) {
    if (first === undefined || first instanceof Error) throw first ?? new Error("no evaluation");
    return first;
  }
  const shown =
    unknownPaths.slice(0, 5).join(", ") +
    (unknownPaths.length > 5 ? `, and ${unknownPaths.length - 5} more` : "");
  const undecided = (rule: string): RuleResult => ({
    rule,
    status: "undecided",
    message: `cannot be decided until apply: the stack has values unknown during preview (${shown}).`,
  });
  if (first === undefined || first instanceof Error) return RULES.map((rule) => undecided(rule.id));
  return first.map((result, index) => {
    if (result.status === "undecided") return result;
    const stable = others.every((variant) => {
      if (variant instanceof Error) return false;
      const same = variant[index];
      return (
        same !== undefined &&
        same.rule === result.rule &&
        same.status === result.status &&
        same.message === result.message
      );
    });
    return stable ? result : undecided(result.rule);
  });
}

type Decide = (args: StackValidationArgs) => RuleResult[];

const decide: Decide = (args) => decideRules(args.resources, args.getConfig<RulePolicyConfig>());

function reportByStatus(results: readonly RuleResult[], status: RuleStatus): RuleResult[] {
  return results.filter((result) => result.status === status);
}

function rulePolicy(rule: Rule): StackValidationPolicy {
  return {
    name: rule.id,
    description: rule.description,
    enforcementLevel: "mandatory",
    configSchema: CONFIG_SCHEMA,
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const results = decide(args).filter((result) => result.rule === rule.id);
      if (results.length === 0)
        args.notApplicable(`the stack declares nothing ${rule.id} is about.`);
      for (const result of reportByStatus(results, "fail")) reportViolation(result.message);
      const notApplicable = reportByStatus(results, "not-applicable");
      if (notApplicable.length === results.length)
        args.notApplicable(notApplicable.map((result) => result.message).join(" "));
    },
  };
}

const undecidedPolicy: StackValidationPolicy = {
  name: UNDECIDED_POLICY,
  description:
    "Invariants that cannot be decided during a preview because a value they need is unknown until apply.",
  enforcementLevel: "advisory",
  configSchema: CONFIG_SCHEMA,
  validateStack: (args, reportViolation) => {
    for (const result of reportByStatus(decide(args), "undecided"))
      reportViolation(`${result.rule}: ${result.message}`);
  },
};

const uncataloguedPolicy: StackValidationPolicy = {
  name: UNCATALOGUED_POLICY,
  description:
    "Failed invariants whose rule id has no policy of its own (none in src/invariants/catalogue.ts).",
  enforcementLevel: "mandatory",
  configSchema: CONFIG_SCHEMA,
  validateStack: (args, reportViolation) => {
    const known = new Set(RULES.map((rule) => rule.id));
    for (const result of reportByStatus(decide(args), "fail")) {
      if (!known.has(result.rule)) reportViolation(`${result.rule}: ${result.message}`);
    }
  },
};

export const RULE_POLICIES: readonly StackValidationPolicy[] = RULES.map(rulePolicy);

export const POLICIES: Policies = [...RULE_POLICIES, undecidedPolicy, uncataloguedPolicy];
