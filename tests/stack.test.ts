import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateStackRules } from "../src/invariants/catalogue";
import {
  runProgramOffline,
  type OfflinePlan,
  type OfflineResourceRequest,
  type PlannedResource,
} from "../src/offline/mock-runtime";
import { readStackFile } from "../src/stack-file";
import { APP_ROLES, type AppRole } from "../src/config";
import type { ProductionOutputsForStaging } from "../src/stack";
import { committedConfig } from "../test-support/config-fixtures";

const COMMITTED_RETENTION_DAYS = (
  committedConfig("production").values as { backups: { retentionDays: number } }
).backups.retentionDays;

const ROOT = path.resolve(__dirname, "..");
/** Production's outputs as staging's stack reference would see them, with a recognisable credential. */
const PRODUCTION_PASSWORD = "Production-only-s3cret";
const byAppRole = (value: (role: AppRole) => string) =>
  Object.fromEntries(APP_ROLES.map((role) => [role, value(role)])) as Record<AppRole, string>;
const PRODUCTION_OUTPUTS = {
  neonProjectId: "spring-fog-49733273",
  neonDefaultBranchId: "br-main-000001",
  databaseName: "neondb",
  databaseUser: "neondb_owner",
  databasePassword: PRODUCTION_PASSWORD,
  appDatabaseUrl: `postgresql+asyncpg://neondb_owner:${PRODUCTION_PASSWORD}@ep-production.us-east-1.aws.neon.tech/neondb`,
  railwayProjectId: "railway-project-1",
  railwayServiceIds: byAppRole((role) => `svc-${role}`),
  // Unlike production's stack file, so staging's references show where they come from.
  railwayServiceNames: byAppRole((role) => `Live-${role}`),
} satisfies ProductionOutputsForStaging & Record<string, unknown>;

async function run(
  stack: string,
  extraConfig: Record<string, string> = {},
  secretKeys: string[] = [],
  resourceHandler?: (request: OfflineResourceRequest) => Promise<undefined>,
): Promise<OfflinePlan> {
  const file = readStackFile(ROOT, stack);
  return runProgramOffline({
    stack,
    config: { ...file.config, ...extraConfig },
    secretKeys: [...file.secretKeys, ...secretKeys],
    stackReferences: { production: PRODUCTION_OUTPUTS },
    resourceHandler,
  });
}

function only(plan: OfflinePlan, type: string): PlannedResource {
  const matches = plan.resources.filter((resource) => resource.type === type);
  expect(matches, `exactly one ${type}`).toHaveLength(1);
  return matches[0] as PlannedResource;
}

const outputValue = (plan: OfflinePlan, key: string) => plan.outputs[key]?.value;

describe("production stack on the mock runtime", () => {
  let plan: OfflinePlan;
  beforeAll(async () => {
    plan = await run("production", { "neon:apiKey": "neon-key-from-config" }, ["neon:apiKey"]);
  });

  it("adopts the live Neon project with its exact force-new values, protected, guessing nothing", () => {
    const project = only(plan, "neon:index/project:Project");
    expect(project.importId).toBe("spring-fog-49733273");
    expect(project.protect).toBe(true);
    expect(project.parent).toBe("database");
    expect(project.inputs).toEqual({
      name: "client-fulfillment",
      orgId: "org-cold-waterfall-84590723",
      regionId: "aws-us-east-1",
      pgVersion: 17,
      historyRetentionSeconds: 21_600,
      defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 0.25 },
    });
    expect(project.ignoreChanges).toEqual(["branch", "computeProvisioner", "storePassword"]);
  });

  it("adopts the R2 bucket by its import id, protected, with the stack file's retention as its lifecycle", () => {
    const bucket = only(plan, "cloudflare:index/r2Bucket:R2Bucket");
    expect(bucket.importId).toBe(
      "fa80d2f9a9e3a5f7971ca70c11cd0458/client-fullfilment-backups/default",
    );
    expect(bucket.protect).toBe(true);
    expect(bucket.inputs).toEqual({
      accountId: "fa80d2f9a9e3a5f7971ca70c11cd0458",
      name: "client-fullfilment-backups",
    });
    const rules = only(plan, "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle").inputs
      .rules as { deleteObjectsTransition: { condition: { maxAge: number } } }[];
    expect(rules.map((rule) => rule.deleteObjectsTransition.condition.maxAge)).toEqual([
      COMMITTED_RETENTION_DAYS * 86_400,
    ]);
  });

  const tokenNamed = (name: string) => {
    const found = plan.resources.find(
      (resource) =>
        resource.type === "cloudflare:index/accountToken:AccountToken" && resource.name === name,
    );
    if (!found) throw new Error(`no token ${name}`);
    return found;
  };

  it("mints a token that may only write objects of this one bucket", () => {
    const token = tokenNamed("backups-writer-token");
    expect(token.parent).toBe("backups");
    expect(token.inputs.policies).toEqual([
      {
        effect: "allow",
        permissionGroups: [{ id: "2efd5506f9c8494dacb1fa10a3e7d5b6" }],
        resources: JSON.stringify({
          "com.cloudflare.edge.r2.bucket.fa80d2f9a9e3a5f7971ca70c11cd0458_default_client-fullfilment-backups":
            "*",
        }),
      },
    ]);
    expect(outputValue(plan, "backupS3Endpoint")).toBe(
      "https://fa80d2f9a9e3a5f7971ca70c11cd0458.r2.cloudflarestorage.com",
    );
    expect(outputValue(plan, "backupS3Region")).toBe("auto");
    expect(outputValue(plan, "backupAccessKeyId")).toBe("computed-backups-writer-token-id");
    // R2's S3 secret is the SHA-256 hex of the token value (here the placeholder "computed-backups-writer-token-value").
    expect(outputValue(plan, "backupSecretAccessKey")).toBe(
      createHash("sha256").update("computed-backups-writer-token-value").digest("hex"),
    );
  });

  it("mints a second token, read-only on the same bucket, for the restore drill, exported as secrets", () => {
    const reader = tokenNamed("backups-reader-token");
    expect(reader.parent).toBe("backups");
    expect(reader.inputs.name).toBe("client-fulfillment-backups-reader");
    expect(reader.inputs.policies).toEqual([
      {
        effect: "allow",
        permissionGroups: [{ id: "6a018a9f2fc74eb6b293b0c548f38b39" }],
        resources: JSON.stringify({
          "com.cloudflare.edge.r2.bucket.fa80d2f9a9e3a5f7971ca70c11cd0458_default_client-fullfilment-backups":
            "*",
        }),
      },
    ]);
    expect(outputValue(plan, "backupsReaderAccessKeyId")).toBe("computed-backups-reader-token-id");
    expect(outputValue(plan, "backupsReaderSecretAccessKey")).toBe(
      createHash("sha256").update("computed-backups-reader-token-value").digest("hex"),
    );
    expect(plan.outputs.backupsReaderAccessKeyId?.secret).toBe(true);
    expect(plan.outputs.backupsReaderSecretAccessKey?.secret).toBe(true);
  });

  it("wires a DATABASE_URL with no query string and a backup URL with exactly sslmode=require", () => {
    // The adopted project's owner role and database are read at apply time: placeholders here.
    expect(outputValue(plan, "appDatabaseUrl")).toBe(
      "postgresql+asyncpg://computed-owner-role:computed-password-of-client-fulfillment@ep-computed-client-fulfillment.us-east-1.aws.neon.tech/computed-database",
    );
    expect(outputValue(plan, "backupDatabaseUrl")).toBe(
      "postgresql://computed-owner-role:computed-password-of-client-fulfillment@ep-computed-client-fulfillment.us-east-1.aws.neon.tech/computed-database?sslmode=require",
    );
    expect(outputValue(plan, "environment")).toBe("production");
  });

  it("keeps every credential secret, in outputs and in provider inputs", () => {
    for (const key of [
      "databasePassword",
      "appDatabaseUrl",
      "backupDatabaseUrl",
      "backupSecretAccessKey",
    ]) {
      expect(plan.outputs[key]?.secret, key).toBe(true);
    }
    expect(plan.outputs.environment?.secret).toBe(false);
    const provider = only(plan, "pulumi:providers:neon");
    expect(provider.displayInputs.apiKey).toBe("[secret]");
    expect(provider.inputs.apiKey).toBe("neon-key-from-config");
  });

  it("satisfies every stack rule on the values it wires", () => {
    const results = evaluateStackRules({
      stack: "production",
      resources: plan.resources,
      outputs: Object.fromEntries(
        Object.entries(plan.outputs).map(([key, output]) => [key, output.value]),
      ),
      expected: {
        appUrlScheme: "postgresql+asyncpg",
        neonPlan: "free",
        neonActiveHoursPerMonth: 50,
        retentionDays: COMMITTED_RETENTION_DAYS,
        rpoHours: 6,
        pgVersion: 17,
      },
    });
    const own = [
      "app-database-url-has-no-query",
      "backup-database-url-direct-and-ssl",
      "backup-retention-matches-config",
      "backup-schedule-meets-rpo",
      "environment-matches-stack",
      "neon-cu-hours-within-plan",
      "pitr-within-plan",
      "stateful-resources-protected",
    ];
    expect(
      results
        .filter((result) => own.includes(result.rule))
        .map((result) => [result.rule, result.status])
        .sort(),
    ).toEqual(own.map((rule) => [rule, "pass"]));
    expect(results.filter((result) => result.status === "fail")).toEqual([]);
  });

  it("fails the rules when the wired values go wrong", () => {
    const outputs = Object.fromEntries(
      Object.entries(plan.outputs).map(([key, output]) => [key, output.value]),
    );
    const broken = evaluateStackRules({
      stack: "production",
      resources: plan.resources.map((resource) => ({ ...resource, protect: false })),
      outputs: {
        ...outputs,
        environment: "development",
        appDatabaseUrl: `${String(outputs.appDatabaseUrl)}?sslmode=require`,
      },
      expected: {
        appUrlScheme: "postgresql+asyncpg",
        neonPlan: "free",
        neonActiveHoursPerMonth: 50,
        retentionDays: COMMITTED_RETENTION_DAYS,
        rpoHours: 6,
        pgVersion: 17,
      },
    });
    expect(
      broken
        .filter((result) => result.status === "fail")
        .map((result) => result.rule)
        .sort(),
    ).toEqual([
      "app-database-url-has-no-query",
      "environment-matches-stack",
      "stateful-resources-protected",
    ]);
  });
});

describe("production's outputs as staging reads them", () => {
  it("refuses an output that lacks a role before declaring anything, naming the output, the role and the fix", async () => {
    const { crawl4ai: _dropped, ...olderIds } = PRODUCTION_OUTPUTS.railwayServiceIds;
    const file = readStackFile(ROOT, "staging");
    const run = runProgramOffline({
      stack: "staging",
      config: file.config,
      secretKeys: file.secretKeys,
      stackReferences: { production: { ...PRODUCTION_OUTPUTS, railwayServiceIds: olderIds } },
    });
    await expect(run).rejects.toThrow(
      /Stack production does not export what staging needs \(railwayServiceIds\.crawl4ai: .*\); run `pulumi up --stack production`/,
    );
  });
});

describe("staging stack on the mock runtime", () => {
  let plan: OfflinePlan;
  beforeAll(async () => {
    plan = await run("staging");
  });

  it("creates its own Neon project in production's org and region, capped, protected", () => {
    const project = only(plan, "neon:index/project:Project");
    expect(project.importId).toBeUndefined();
    expect(project.protect).toBe(true);
    expect(project.inputs).toEqual({
      name: "client-fulfillment-staging",
      orgId: "org-cold-waterfall-84590723",
      regionId: "aws-us-east-1",
      pgVersion: 17,
      historyRetentionSeconds: 21_600,
      defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 0.5 },
      branch: { name: "main", databaseName: "neondb", roleName: "neondb_owner" },
    });
    const types = plan.resources.map((resource) => resource.type);
    expect(types).not.toContain("neon:index/branch:Branch");
    expect(types).not.toContain("neon:index/endpoint:Endpoint");
  });

  it("reads, stores and exports nothing of production's database", () => {
    const everything = JSON.stringify({
      resources: plan.resources.map((resource) => resource.inputs),
      outputs: plan.outputs,
    });
    for (const production of [
      PRODUCTION_PASSWORD,
      PRODUCTION_OUTPUTS.neonProjectId,
      PRODUCTION_OUTPUTS.neonDefaultBranchId,
      "ep-production",
    ]) {
      expect(everything).not.toContain(production);
    }
    // Only Railway ids cross over (the reference itself is still needed for them).
    expect(only(plan, "pulumi:pulumi:StackReference").inputs.name).toBe("production");
    expect(everything).toContain(PRODUCTION_OUTPUTS.railwayProjectId);
  });

  it("builds its references from production's service names, so they cannot disagree", () => {
    const configs = plan.resources.filter(
      (resource) => resource.type === "pulumi-nodejs:dynamic/railway:ServiceConfig",
    );
    const byRole = Object.fromEntries(
      configs.map((resource) => [String(resource.inputs.role), resource.inputs]),
    );
    expect(
      Object.fromEntries(
        Object.entries(byRole).map(([role, inputs]) => [role, inputs.serviceName]),
      ),
    ).toEqual(PRODUCTION_OUTPUTS.railwayServiceNames);
    expect(byRole.backend?.variables).toMatchObject({
      REDIS_URL: "${{Live-redis.REDIS_URL}}",
      CRAWL4AI_URL: "http://${{Live-crawl4ai.RAILWAY_PRIVATE_DOMAIN}}:${{Live-crawl4ai.PORT}}",
      CRAWL4AI_API_TOKEN: "${{Live-crawl4ai.CRAWL4AI_API_TOKEN}}",
    });
    expect(byRole.frontend?.variables).toEqual({
      NEXT_PUBLIC_API_URL: "https://${{Live-backend.RAILWAY_PUBLIC_DOMAIN}}",
    });
    const results = evaluateStackRules({
      stack: "staging",
      resources: plan.resources,
      outputs: {},
      expected: {
        appUrlScheme: "postgresql+asyncpg",
        neonPlan: "free",
        neonActiveHoursPerMonth: 120,
      },
    });
    expect(results.find((result) => result.rule === "railway-references-resolve")?.status).toBe(
      "pass",
    );
  });

  it("declares no bucket or backup credentials", () => {
    expect(
      plan.resources
        .map((resource) => resource.type)
        .filter((type) => type.startsWith("cloudflare:")),
    ).toEqual([]);
    expect(Object.keys(plan.outputs).filter((key) => key.startsWith("backup"))).toEqual([]);
  });

  it("wires ENVIRONMENT=staging and its own project's password into a secret DATABASE_URL", () => {
    expect(outputValue(plan, "environment")).toBe("staging");
    expect(outputValue(plan, "appDatabaseUrl")).toBe(
      "postgresql+asyncpg://neondb_owner:computed-password-of-client-fulfillment-staging@ep-computed-client-fulfillment-staging.us-east-1.aws.neon.tech/neondb",
    );
    expect(plan.outputs.appDatabaseUrl?.secret).toBe(true);
    expect(plan.outputs.databasePassword?.secret).toBe(true);
  });
});

describe("a bad stack file", () => {
  it("stops before any resource is declared, naming the key", async () => {
    const registered: string[] = [];
    const record = async (request: OfflineResourceRequest) => {
      registered.push(`${request.type} ${request.name}`);
      return undefined;
    };
    // The recorder sees every registration of a good stack file...
    await run("staging", {}, [], record);
    expect(registered).toContain("neon:index/project:Project database-project");
    registered.length = 0;
    // ...and none of a bad one.
    await expect(
      run("staging", { "client-fulfillment-infra:environment": "development" }, [], record),
    ).rejects.toThrow(/client-fulfillment-infra:environment: ENVIRONMENT is "development"/);
    expect(registered).toEqual([]);
  });
});

describe("manual preview and up", () => {
  it("build first and always pass the policy pack, so the rules hold outside CI too", () => {
    const { scripts } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(scripts.preview).toBe("npm run -s build && pulumi preview --diff --policy-pack policy");
    expect(scripts.up).toBe("npm run -s build && pulumi up --diff --policy-pack policy");
  });
});
