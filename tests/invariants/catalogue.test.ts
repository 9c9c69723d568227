import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { backupLifecycleRules } from "../../src/components/backup-bucket";
import { evaluateStackRules, RULES } from "../../src/invariants/catalogue";
import type { Rule, StackSnapshot } from "../../src/invariants/rule-kit";
import type { RuleResult } from "../../src/invariants/violation";
import { rulesExportedBy } from "./module-rules";

const INVARIANTS_DIR = path.resolve(__dirname, "../../src/invariants");

/** `environment-matches-stack` → `environmentMatchesStack`. */
const exportNameOf = (id: string) =>
  id.replace(/-([a-z0-9])/g, (_dash, next: string) => next.toUpperCase());

/** Every Rule exported by a module of src/invariants, with the module and the export's name. */
async function exportedRules(): Promise<{ module: string; name: string; rule: Rule }[]> {
  const modules = readdirSync(INVARIANTS_DIR).filter((file) => file.endsWith(".ts"));
  const found = await Promise.all(
    modules.map(async (module) => {
      const exports = (await import(path.join(INVARIANTS_DIR, module))) as Record<string, unknown>;
      return rulesExportedBy(exports).map(([name, rule]) => ({ module, name, rule }));
    }),
  );
  return found.flat();
}

describe("the rule catalogue", () => {
  it("lists every rule src/invariants exports, once, each exported under the camelCase of its id", async () => {
    const exported = await exportedRules();
    expect(exported.map(({ module, name }) => `${module}: ${name}`)).toEqual(
      exported.map(({ module, rule }) => `${module}: ${exportNameOf(rule.id)}`),
    );
    const defined = exported
      .filter(({ module }) => module !== "catalogue.ts")
      .map(({ rule }) => rule);
    expect(RULES.map((rule) => rule.id).sort()).toEqual(defined.map((rule) => rule.id).sort());
    for (const rule of defined) expect(RULES).toContain(rule);
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
  });

  it("gives every rule a kebab-case id and a one-sentence description", () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(rule.description, rule.id).toMatch(/^[A-Z].*\.$/);
    }
  });

  it("evaluates every rule once, in catalogue order, each result carrying its rule's id", () => {
    expect(evaluateStackRules(production()).map((result) => result.rule)).toEqual(
      RULES.map((rule) => rule.id),
    );
  });
});

type Resource = StackSnapshot["resources"][number];

const HOST = "ep-x-1.us-east-1.aws.neon.tech";
const project = (inputs: Record<string, unknown> = {}): Resource => ({
  type: "neon:index/project:Project",
  name: "database-project",
  protect: true,
  inputs: {
    name: "client-fulfillment-staging",
    historyRetentionSeconds: 21_600,
    defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 0.5 },
    ...inputs,
  },
});

function staging(overrides: Partial<StackSnapshot> = {}): StackSnapshot {
  return {
    stack: "staging",
    resources: [project()],
    outputs: {
      environment: "staging",
      appDatabaseUrl: `postgresql+asyncpg://u:p@${HOST}/neondb`,
      neonProjectId: "computed-project-id",
    },
    expected: {
      appUrlScheme: "postgresql+asyncpg",
      neonPlan: "free",
      neonActiveHoursPerMonth: 120,
    },
    ...overrides,
  };
}

function production(): StackSnapshot {
  return {
    stack: "production",
    resources: [
      project({
        name: "client-fulfillment",
        defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2 },
      }),
      {
        type: "cloudflare:index/r2Bucket:R2Bucket",
        name: "backups-bucket",
        protect: true,
        inputs: { name: "b" },
      },
      {
        type: "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle",
        name: "backups-lifecycle",
        protect: false,
        inputs: { bucketName: "b", rules: backupLifecycleRules(30) },
      },
    ],
    outputs: {
      environment: "production",
      appDatabaseUrl: `postgresql+asyncpg://u:p@${HOST}/neondb`,
      backupDatabaseUrl: `postgresql://u:p@${HOST}/neondb?sslmode=require`,
      backupSchedule: "0 */6 * * *",
      neonProjectId: "computed-project-id",
    },
    expected: {
      appUrlScheme: "postgresql+asyncpg",
      neonPlan: "free",
      neonActiveHoursPerMonth: 50,
      retentionDays: 30,
      rpoHours: 6,
      pgVersion: 17,
    },
  };
}

const OWN_RULES = [
  "environment-matches-stack",
  "app-database-url-has-no-query",
  "stateful-resources-protected",
  "pitr-within-plan",
  "neon-cu-hours-within-plan",
  "backup-database-url-direct-and-ssl",
  "backup-retention-matches-config",
  "backup-schedule-meets-rpo",
];

function byRule(snapshot: StackSnapshot): Record<string, RuleResult> {
  const results = evaluateStackRules(snapshot).filter((result) => OWN_RULES.includes(result.rule));
  expect(results.map((result) => result.rule)).toEqual(OWN_RULES);
  return Object.fromEntries(results.map((result) => [result.rule, result]));
}

describe("evaluateStackRules", () => {
  it("passes production and reports every rule, each with what it checked", () => {
    const results = byRule(production());
    expect(Object.values(results).filter((result) => result.status !== "pass")).toEqual([]);
    expect(results["neon-cu-hours-within-plan"]?.message).toBe(
      'Neon project "client-fulfillment" (resource database-project): at most 100 CU-hours a month (0.25-2 CU, 50 active h) of the free plan\'s 100.',
    );
  });

  it("says the backup rules are not applicable to staging instead of passing them", () => {
    const results = byRule(staging());
    const reason = {
      status: "not-applicable",
      message: "not applicable: staging declares no backup bucket and runs no backups.",
    };
    expect(results["backup-database-url-direct-and-ssl"]).toMatchObject(reason);
    expect(results["backup-retention-matches-config"]).toMatchObject(reason);
    expect(results["backup-schedule-meets-rpo"]).toMatchObject({
      status: "not-applicable",
      message: "not applicable: staging schedules no backups.",
    });
    expect(results["pitr-within-plan"]?.status).toBe("pass");
    expect(results["neon-cu-hours-within-plan"]?.status).toBe("pass");
  });

  it("says the Neon rules are not applicable when the stack declares no Neon project", () => {
    const results = byRule(staging({ resources: [] }));
    expect(results["pitr-within-plan"]).toEqual({
      rule: "pitr-within-plan",
      status: "not-applicable",
      message: "not applicable: staging declares no Neon project.",
    });
    expect(results["neon-cu-hours-within-plan"]?.message).toBe(
      "not applicable: staging declares no Neon compute.",
    );
    expect(results["stateful-resources-protected"]?.message).toBe(
      "not applicable: staging declares no Neon project, R2 bucket or Railway volume.",
    );
  });

  it("fails a project whose worst-case month exceeds the plan's CU-hours", () => {
    const results = byRule(
      staging({ expected: { ...staging().expected, neonActiveHoursPerMonth: 730 } }),
    );
    expect(results["neon-cu-hours-within-plan"]).toMatchObject({ status: "fail" });
    expect(results["neon-cu-hours-within-plan"]?.message).toContain(
      "may use up to 0.5 CU × 730 h = 365 CU-hours a month, over the Neon free plan's 100 per project",
    );
  });

  it("fails a project that declares no autoscaling limits, and a size above the plan's", () => {
    const unset = byRule(staging({ resources: [project({ defaultEndpointSettings: undefined })] }));
    expect(unset["neon-cu-hours-within-plan"]?.message).toBe(
      'Neon project "client-fulfillment-staging" (resource database-project) sets no defaultEndpointSettings autoscaling limits, so its compute could run at any size the plan allows; set neon.compute.minCu and maxCu.',
    );
    const big = byRule(
      staging({
        resources: [
          project({
            defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 4 },
          }),
        ],
        expected: { ...staging().expected, neonActiveHoursPerMonth: 1 },
      }),
    );
    expect(big["neon-cu-hours-within-plan"]?.message).toBe(
      'Neon project "client-fulfillment-staging" (resource database-project) maxCu 4 is outside the Neon free plan\'s 0.25-2 CU.',
    );
  });

  it("fails a staging branch in production's project: it would spend production's CU-hours", () => {
    const branchInProduction: Resource[] = [
      {
        type: "neon:index/branch:Branch",
        name: "database-branch",
        protect: false,
        inputs: { projectId: "spring-fog-49733273", name: "staging" },
      },
      {
        type: "neon:index/endpoint:Endpoint",
        name: "database-endpoint",
        protect: false,
        inputs: { projectId: "spring-fog-49733273", type: "read_write" },
      },
    ];
    const results = byRule(staging({ resources: branchInProduction }));
    expect(results["neon-cu-hours-within-plan"]?.status).toBe("fail");
    expect(results["neon-cu-hours-within-plan"]?.message).toContain(
      'neon:index/endpoint:Endpoint "database-endpoint" runs in Neon project "spring-fog-49733273", which this stack does not declare',
    );
    expect(results["neon-cu-hours-within-plan"]?.message).toContain(
      'neon:index/branch:Branch "database-branch" runs in Neon project "spring-fog-49733273"',
    );
  });

  it("adds an endpoint in the stack's own project to that project's budget", () => {
    const ownEndpoint: Resource = {
      type: "neon:index/endpoint:Endpoint",
      name: "replica",
      protect: false,
      inputs: { projectId: "computed-project-id", autoscalingLimitMaxCu: 0.5 },
    };
    const results = byRule(staging({ resources: [project(), ownEndpoint] }));
    expect(results["neon-cu-hours-within-plan"]?.message).toContain(
      "bills 2 computes against one allowance",
    );
  });

  it("is undecided, not passed, when the plan or the active hours are unknown", () => {
    const results = byRule(staging({ expected: { appUrlScheme: "postgresql+asyncpg" } }));
    expect(results["neon-cu-hours-within-plan"]?.status).toBe("undecided");
    expect(results["pitr-within-plan"]?.status).toBe("undecided");
  });

  it("fails production when a backup output or the lifecycle is missing", () => {
    const snapshot = production();
    const results = byRule({
      ...snapshot,
      resources: snapshot.resources.filter(
        (resource) => !resource.type.endsWith("R2BucketLifecycle"),
      ),
      outputs: { ...snapshot.outputs, backupDatabaseUrl: undefined },
    });
    expect(results["backup-database-url-direct-and-ssl"]).toMatchObject({
      status: "fail",
      message: "Output backupDatabaseUrl is not declared, so the rule cannot hold; declare it.",
    });
    expect(results["backup-retention-matches-config"]).toMatchObject({
      status: "fail",
      message: "The R2 bucket lifecycle is not declared, so the rule cannot hold; declare it.",
    });
  });

  it("fails a URL scheme the app's driver cannot load, even when the stack expects it", () => {
    const snapshot = staging({
      outputs: { ...staging().outputs, appDatabaseUrl: `postgresql://u:p@${HOST}/neondb` },
      expected: { ...staging().expected, appUrlScheme: "postgresql" },
    });
    expect(byRule(snapshot)["app-database-url-has-no-query"]?.message).toBe(
      'DATABASE_URL uses scheme "postgresql", which the app\'s SQLAlchemy asyncio engine with asyncpg cannot load; use "postgresql+asyncpg".',
    );
  });
});
