import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { parseDocument } from "yaml";
import {
  decideRules,
  POLICIES,
  RULE_POLICIES,
  stackFromUrn,
  UNCATALOGUED_POLICY,
  UNDECIDED_POLICY,
} from "../../policy/policies";
import { RULES } from "../../src/invariants/catalogue";
import { stackExpectations } from "../../src/invariants/expectations";
import { committedConfig, parseFixture } from "../../test-support/config-fixtures";
import {
  mapResources,
  packPolicy,
  POLICY_DIR,
  policyResources,
  runPack,
  STACK_TYPE,
  UNKNOWN_STRING,
  violated,
  type FakeResource,
} from "./harness";
import { offlineStack, type OfflineStack } from "./offline-stack";

const ROOT = path.resolve(__dirname, "../..");
const DAY = 86_400;

let production: OfflineStack;
let staging: OfflineStack;

beforeAll(async () => {
  production = await offlineStack(ROOT, "production");
  staging = await offlineStack(ROOT, "staging");
}, 60_000);

type Mutation = (resources: readonly FakeResource[]) => FakeResource[];

const isString = (value: unknown): value is string => typeof value === "string";

function withServiceVariables(
  role: string,
  change: (variables: Record<string, unknown>, secrets: Record<string, unknown>) => void,
): Mutation {
  return (resources) =>
    resources.map((resource) => {
      if (
        resource.type !== "pulumi-nodejs:dynamic/railway:ServiceConfig" ||
        resource.props.role !== role
      )
        return resource;
      const props = structuredClone(resource.props);
      props.variables = { ...(props.variables as object) };
      props.secretVariables = { ...(props.secretVariables as object) };
      change(
        props.variables as Record<string, unknown>,
        props.secretVariables as Record<string, unknown>,
      );
      return { ...resource, props };
    });
}

const MUTATIONS = {
  environmentDevelopment: ((resources) =>
    mapResources(resources, (value, key) =>
      key !== undefined && /^environment$/i.test(key) && value === "production"
        ? "development"
        : value,
    )) as Mutation,
  appUrlQuery: ((resources) =>
    mapResources(resources, (value) =>
      isString(value) && value.startsWith("postgresql+asyncpg://")
        ? `${value}?sslmode=require`
        : value,
    )) as Mutation,
  unprotectNeon: ((resources) =>
    resources.map((r) =>
      r.type === "neon:index/project:Project" ? { ...r, protect: false } : r,
    )) as Mutation,
  neonComputeTooLarge: ((resources) =>
    resources.map((r) =>
      r.type === "neon:index/project:Project"
        ? {
            ...r,
            props: {
              ...r.props,
              defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2 },
            },
          }
        : r,
    )) as Mutation,
  pitrTooLong: ((resources) =>
    resources.map((r) =>
      r.type === "neon:index/project:Project"
        ? { ...r, props: { ...r.props, historyRetentionSeconds: DAY } }
        : r,
    )) as Mutation,
  backupUrlAmpersand: ((resources) =>
    mapResources(resources, (value) =>
      isString(value) && value.startsWith("postgresql://") && value.endsWith("?sslmode=require")
        ? `${value}&channel_binding=require`
        : value,
    )) as Mutation,
  retentionOneDayShort: ((resources) =>
    mapResources(resources, (value, key) =>
      key === "maxAge" && typeof value === "number" ? value - DAY : value,
    )) as Mutation,
  dailySchedule: ((resources) =>
    mapResources(resources, (value) =>
      value === "0 */6 * * *" ? "0 0 * * *" : value,
    )) as Mutation,
  everyFiveMinutes: ((resources) =>
    mapResources(resources, (value) =>
      value === "0 */6 * * *" ? "*/5 * * * *" : value,
    )) as Mutation,
  backendPort: withServiceVariables("backend", (variables) => {
    variables.PORT = "8000";
  }),
  danglingReference: withServiceVariables("backend", (variables) => {
    variables.BROKEN_REF = "${{nonexistent.VAR}}";
  }),
  crawlerWithPublicDomain: ((resources) => {
    const crawler = resources.find(
      (r) =>
        r.type === "pulumi-nodejs:dynamic/railway:ServiceConfig" && r.props.role === "crawl4ai",
    );
    if (!crawler) throw new Error("the production stack declares no Crawl4AI config");
    const domain = {
      type: "pulumi-nodejs:dynamic/railway:ServiceDomain",
      name: "app-crawl4ai-domain",
      props: {
        serviceId: crawler.props.serviceId,
        environmentId: crawler.props.environmentId,
        serviceName: crawler.props.serviceName,
      },
    };
    return [...resources, domain];
  }) as Mutation,
  oldBackupClient: withServiceVariables("backupJob", (variables) => {
    variables.PG_VERSION = "16";
  }),
  crawlerAtEightGB: ((resources) =>
    resources.map((r) =>
      r.type === "pulumi-nodejs:dynamic/railway:ServiceConfig" && r.props.role === "crawl4ai"
        ? { ...r, props: { ...r.props, limits: { memoryGB: 8 } } }
        : r,
    )) as Mutation,
};

/** One mutation per rule: applied to the passing production stack, the rule's policy must fail. */
const RULE_MUTATIONS: Record<string, Mutation> = {
  "environment-matches-stack": MUTATIONS.environmentDevelopment,
  "service-environment-matches-stack": MUTATIONS.environmentDevelopment,
  "app-database-url-has-no-query": MUTATIONS.appUrlQuery,
  "service-database-url-has-no-query": MUTATIONS.appUrlQuery,
  "stateful-resources-protected": MUTATIONS.unprotectNeon,
  "pitr-within-plan": MUTATIONS.pitrTooLong,
  "neon-cu-hours-within-plan": MUTATIONS.neonComputeTooLarge,
  "neon-transfer-within-plan": MUTATIONS.everyFiveMinutes,
  "backup-database-url-direct-and-ssl": MUTATIONS.backupUrlAmpersand,
  "backup-retention-matches-config": MUTATIONS.retentionOneDayShort,
  "backup-job-writes-retained-bucket": MUTATIONS.retentionOneDayShort,
  "backup-schedule-meets-rpo": MUTATIONS.dailySchedule,
  "backup-cron-meets-rpo": MUTATIONS.dailySchedule,
  "web-services-leave-port-to-railway": MUTATIONS.backendPort,
  "railway-references-resolve": MUTATIONS.danglingReference,
  "crawl4ai-private-with-token": MUTATIONS.crawlerWithPublicDomain,
  "backup-client-matches-server": MUTATIONS.oldBackupClient,
  "monthly-cost-within-budget": MUTATIONS.crawlerAtEightGB,
};

describe("the rule catalogue", () => {
  it("has one mandatory policy per rule, named and described like the rule, plus the advisory and catch-all policies", () => {
    expect(RULE_POLICIES.map(({ name, description }) => ({ name, description }))).toEqual(
      RULES.map(({ id, description }) => ({ name: id, description })),
    );
    expect(RULE_POLICIES.every((policy) => policy.enforcementLevel === "mandatory")).toBe(true);
    const names = POLICIES.map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    expect(POLICIES.find((policy) => policy.name === UNDECIDED_POLICY)?.enforcementLevel).toBe(
      "advisory",
    );
    expect(POLICIES.find((policy) => policy.name === UNCATALOGUED_POLICY)?.enforcementLevel).toBe(
      "mandatory",
    );
  });

  it("covers every rule id the invariants produce for both real stacks", () => {
    const ids = new Set(RULES.map((rule) => rule.id));
    for (const { plan } of [production, staging]) {
      for (const result of plan.invariants)
        expect(ids, `rule ${result.rule} has no policy`).toContain(result.rule);
    }
  });

  it("has a failing mutation test for every rule", () => {
    expect(Object.keys(RULE_MUTATIONS).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });

  it("expects what the stack files say, found from the pack's own folder as the CLI runs it (cwd policy/)", async () => {
    const cwd = process.cwd();
    process.chdir(POLICY_DIR);
    try {
      vi.resetModules();
      const { stackFileExpectations } = await import("../../policy/stack-expectations.js");
      for (const stack of ["production", "staging"]) {
        expect(stackFileExpectations(stack), stack).toEqual(
          stackExpectations(parseFixture(committedConfig(stack))),
        );
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it("is where each stack file's comment says the pack reads it", () => {
    for (const stack of ["production", "staging"]) {
      const pointer = /^#.*\b(policy\/[\w-]+\.ts)\b/m.exec(
        readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"),
      )?.[1];
      expect(pointer, `Pulumi.${stack}.yaml names the pack's reader in a comment`).toBe(
        "policy/stack-expectations.ts",
      );
      expect(readFileSync(path.join(ROOT, pointer as string), "utf8")).toContain(
        "export function stackFileExpectations(",
      );
    }
  });

  it("reads the stack name from URNs", () => {
    expect(
      stackFromUrn("urn:pulumi:production::client-fulfillment-infra::pulumi:pulumi:Stack::x"),
    ).toBe("production");
    expect(stackFromUrn("not-a-urn")).toBeUndefined();
  });
});

describe("the pack over the offline plan of the real stacks", () => {
  for (const stack of ["production", "staging"] as const) {
    it(`passes ${stack}, agreeing with the plan's invariants rule by rule`, async () => {
      const { plan, resources } = stack === "production" ? production : staging;
      const outcomes = await runPack(stack, resources);
      expect(violated(outcomes)).toEqual([]);
      for (const result of plan.invariants) {
        const outcome = outcomes.get(result.rule);
        expect(outcome, result.rule).toBeDefined();
        expect(result.status, `${result.rule}: ${result.message}`).not.toBe("fail");
        if (result.status === "not-applicable")
          expect(outcome?.notApplicable, result.rule).toBeDefined();
        if (result.status === "pass") expect(outcome?.notApplicable, result.rule).toBeUndefined();
      }
    });
  }
});

describe("each rule's policy fails on its mutation", () => {
  for (const [rule, mutate] of Object.entries(RULE_MUTATIONS)) {
    it(rule, async () => {
      const mutated = mutate(production.resources);
      expect(mutated).not.toEqual(production.resources);
      const outcomes = await runPack("production", mutated);
      expect(
        outcomes.get(rule)?.violations.length,
        `${rule} should report a violation`,
      ).toBeGreaterThan(0);
      // Every other failing policy is one the same mutation breaks on purpose.
      const expectedFailures = Object.entries(RULE_MUTATIONS)
        .filter(([, other]) => other === mutate)
        .map(([id]) => id);
      expect(violated(outcomes).sort()).toEqual(
        expectedFailures.filter((id) => outcomes.get(id)?.violations.length).sort(),
      );
      expect(violated(outcomes)).not.toContain(UNCATALOGUED_POLICY);
    });
  }
});

describe("values unknown during preview", () => {
  const unknownAppUrl = (resources: readonly FakeResource[]) =>
    mapResources(resources, (value) =>
      isString(value) && value.startsWith("postgresql+asyncpg://") ? UNKNOWN_STRING : value,
    );

  it("are behind the real unknownCheckingProxy (reading one throws UnknownValueError)", () => {
    const [stackResource] = policyResources("production", unknownAppUrl(production.resources));
    expect(() => (stackResource?.props as { appDatabaseUrl: unknown }).appDatabaseUrl).toThrow(
      packPolicy.UnknownValueError,
    );
  });

  it("make the rules that read them undecided: advisory, never a silent pass, never a block", async () => {
    const outcomes = await runPack("production", unknownAppUrl(production.resources));
    expect(violated(outcomes)).toEqual([UNDECIDED_POLICY]);
    const advisory = outcomes.get(UNDECIDED_POLICY)?.violations ?? [];
    expect(advisory.some((message) => message.startsWith("app-database-url-has-no-query:"))).toBe(
      true,
    );
    expect(
      advisory.every(
        (message) =>
          message.includes("appDatabaseUrl") ||
          message.includes("DATABASE_URL") ||
          message.includes("unknown"),
      ),
    ).toBe(true);
    expect(advisory.some((message) => message.startsWith("environment-matches-stack:"))).toBe(
      false,
    );
  });

  it("leave the other rules decided: a wrong ENVIRONMENT still blocks", async () => {
    const outcomes = await runPack(
      "production",
      MUTATIONS.environmentDevelopment(unknownAppUrl(production.resources)),
    );
    expect(outcomes.get("environment-matches-stack")?.violations.length).toBeGreaterThan(0);
    expect(outcomes.get("app-database-url-has-no-query")?.violations).toEqual([]);
  });

  it("include outputs the policy cannot see: rules on outputs become undecided instead of failing", () => {
    const withoutStack = production.resources.filter((resource) => resource.type !== STACK_TYPE);
    const results = decideRules(policyResources("production", withoutStack));
    expect(results.find((r) => r.rule === "environment-matches-stack")?.status).toBe("undecided");
    expect(results.find((r) => r.rule === "stateful-resources-protected")?.status).toBe("pass");
    expect(results.filter((r) => r.status === "fail")).toEqual([]);
  });
});

describe("secrets", () => {
  const SECRET = "Sentinel-s3cr3t-4f9b2c";
  const withSecret = (resources: readonly FakeResource[]) =>
    mapResources(resources, (value, key) => {
      if (!isString(value)) return value;
      if (
        key === "CRAWL4AI_API_TOKEN" ||
        key === "AWS_SECRET_ACCESS_KEY" ||
        key === "secretAccessKey"
      )
        return SECRET;
      return value.replaceAll("computed-password", SECRET).replaceAll("[secret]", SECRET);
    });

  it("never appear in a reported message, whichever rules fail", async () => {
    const base = withSecret(production.resources);
    expect(JSON.stringify(base)).toContain(SECRET);
    const allBroken = Object.values(MUTATIONS).reduce(
      (resources, mutate) => mutate(resources),
      base,
    );
    const cases = [
      base,
      allBroken,
      ...Object.values(MUTATIONS).map((mutate) => mutate(base)),
      mapResources(base, (v) => (v === SECRET ? UNKNOWN_STRING : v)),
    ];
    let reported = 0;
    for (const resources of cases) {
      for (const [name, outcome] of await runPack("production", resources)) {
        for (const message of [...outcome.violations, outcome.notApplicable ?? ""]) {
          reported++;
          expect(message, `${name} reported a secret value`).not.toContain(SECRET);
        }
      }
    }
    expect(reported).toBeGreaterThan(20);
  });
});

describe("policy config", () => {
  it("overrides the expected values per stack", async () => {
    const { backups } = committedConfig("production").values as {
      backups: { retentionDays: number };
    };
    const config = {
      "backup-retention-matches-config": {
        expected: { production: { retentionDays: backups.retentionDays + 1 } },
      },
    };
    const outcomes = await runPack("production", production.resources, config);
    expect(outcomes.get("backup-retention-matches-config")?.violations.length).toBeGreaterThan(0);
    expect(outcomes.get("pitr-within-plan")?.violations).toEqual([]);
  });
});

describe("a broken stack file", () => {
  function brokenCopy(edit: (document: ReturnType<typeof parseDocument>) => void): string {
    const dir = mkdtempSync(path.join(tmpdir(), "policy-broken-"));
    cpSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const document = parseDocument(readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8"));
    edit(document);
    writeFileSync(path.join(dir, "Pulumi.production.yaml"), document.toString());
    return dir;
  }

  it("that the config accepts but a rule rejects (ENVIRONMENT: development on the backend) fails the same policies as the plan", async () => {
    const dir = brokenCopy((document) =>
      document.setIn(["config", "client-fulfillment-infra:railway", "backend", "variables"], {
        ENVIRONMENT: "development",
      }),
    );
    const broken = await offlineStack(dir, "production");
    const failedInPlan = broken.plan.invariants
      .filter((r) => r.status === "fail")
      .map((r) => r.rule);
    expect(failedInPlan).toContain("service-environment-matches-stack");
    const outcomes = await runPack("production", broken.resources);
    expect(violated(outcomes).sort()).toEqual([...failedInPlan].sort());
  });

  it("with a shorter retention passes its plan and the pack, which read the same file; a policy config pinning the old one blocks it", async () => {
    const dir = brokenCopy((document) =>
      document.setIn(["config", "client-fulfillment-infra:backups", "retentionDays"], 7),
    );
    const broken = await offlineStack(dir, "production");
    expect(broken.plan.invariants.filter((r) => r.status === "fail")).toEqual([]);
    const resources = policyResources("production", broken.resources);
    expect(decideRules(resources, {}, dir).filter((r) => r.status === "fail")).toEqual([]);
    const { backups } = committedConfig("production").values as {
      backups: { retentionDays: number };
    };
    const pinned = decideRules(
      resources,
      { expected: { production: { retentionDays: backups.retentionDays } } },
      dir,
    );
    expect(pinned.filter((r) => r.status === "fail").map((r) => r.rule)).toEqual([
      "backup-retention-matches-config",
      "backup-job-writes-retained-bucket",
    ]);
  });
});
