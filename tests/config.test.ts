import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStackConfig, projectConfigValues, StackConfigError } from "../src/config";
import { readStackFile } from "../src/offline/stack-file";

const ROOT = path.resolve(__dirname, "..");
const valuesOf = (stack: string) => projectConfigValues(readStackFile(ROOT, stack).config);

function configError(stack: string, values: Record<string, unknown>): StackConfigError {
  try {
    parseStackConfig(stack, values);
  } catch (error) {
    if (error instanceof StackConfigError) return error;
    throw error;
  }
  throw new Error("expected a StackConfigError");
}

function withNeon(overrides: Record<string, unknown>): Record<string, unknown> {
  const values = valuesOf("production");
  return { ...values, neon: { ...(values.neon as object), ...overrides } };
}

describe("the committed stack files", () => {
  it("production reproduces the seed", () => {
    const config = parseStackConfig("production", valuesOf("production"));
    expect(config).toMatchObject({
      environment: "production",
      neon: {
        plan: "free",
        orgId: "org-cold-waterfall-84590723",
        adoptProjectId: "spring-fog-49733273",
        regionId: "aws-us-east-1",
        pgVersion: 17,
        historyRetentionSeconds: 21_600,
      },
      database: { appUrlScheme: "postgresql+asyncpg" },
      backups: {
        accountId: "fa80d2f9a9e3a5f7971ca70c11cd0458",
        bucketName: "client-fullfilment-backups",
        adoptBucket: true,
        retentionDays: 30,
        schedule: "0 */6 * * *",
        rpoHours: 6,
      },
    });
    expect(config.environment === "production" && config.neon.suspendTimeoutSeconds).toBe(undefined);
  });

  it("staging branches from the production stack and has no backups", () => {
    const config = parseStackConfig("staging", valuesOf("staging"));
    expect(config).toEqual({
      environment: "staging",
      neon: { productionStack: "production", branchName: "staging" },
      database: { appUrlScheme: "postgresql+asyncpg" },
    });
  });
});

describe("invalid config", () => {
  it("lists every bad key with its path and the stack file, in one error", () => {
    const values = withNeon({ pgVersion: "17", historyRetentionSeconds: 86_400, colour: "blue" });
    const error = configError("production", { ...values, environment: "development", backups: { ...(values.backups as object), retentionDays: 0 } });
    expect(error.stackFile).toBe("Pulumi.production.yaml");
    expect(error.issues.map((issue) => issue.key).sort()).toEqual([
      "client-fulfillment-infra:backups.retentionDays",
      "client-fulfillment-infra:environment",
      "client-fulfillment-infra:neon.colour",
      "client-fulfillment-infra:neon.historyRetentionSeconds",
      "client-fulfillment-infra:neon.pgVersion",
    ]);
    expect(error.message).toContain("Invalid stack configuration in Pulumi.production.yaml (5 problems)");
    expect(error.message).toContain("expected number, received string");
    expect(error.message).toContain("Fix these keys in Pulumi.production.yaml");
  });

  it("rejects an environment that differs from the stack", () => {
    const error = configError("staging", { ...valuesOf("staging"), environment: "production" });
    expect(error.issues).toEqual([
      { key: "client-fulfillment-infra:environment", message: 'ENVIRONMENT is "production" but the stack is "staging"; set it to "staging".' },
    ]);
  });

  it("rejects PITR over the Free plan's maximum and a suspend timeout on Free", () => {
    const error = configError("production", withNeon({ historyRetentionSeconds: 86_400, suspendTimeoutSeconds: 300 }));
    expect(error.issues.map((issue) => issue.key)).toEqual([
      "client-fulfillment-infra:neon.historyRetentionSeconds",
      "client-fulfillment-infra:neon.suspendTimeoutSeconds",
    ]);
    expect(error.issues[0]?.message).toContain("allows 0 to 21600");
  });

  it("rejects a backup schedule that misses the RPO", () => {
    const values = valuesOf("production");
    const error = configError("production", { ...values, backups: { ...(values.backups as object), schedule: "0 */7 * * *" } });
    expect(error.issues[0]).toMatchObject({ key: "client-fulfillment-infra:backups.schedule" });
  });

  it("rejects unknown top-level keys, missing sections and backups on staging", () => {
    const error = configError("staging", { ...valuesOf("staging"), backups: {}, neon: undefined });
    expect(error.issues.map((issue) => issue.key).sort()).toEqual([
      "client-fulfillment-infra:backups",
      "client-fulfillment-infra:neon",
    ]);
    expect(error.issues.find((issue) => issue.key.endsWith(":neon"))?.message).toMatch(/^required/);
  });

  it("rejects a stack that is neither staging nor production", () => {
    expect(configError("dev", {}).message).toContain('stack "dev" is not supported; use "staging" or "production"');
  });
});

describe("projectConfigValues", () => {
  it("keeps only this project's namespace and decodes structured values", () => {
    expect(
      projectConfigValues({
        "client-fulfillment-infra:environment": "staging",
        "client-fulfillment-infra:neon": '{"branchName":"staging"}',
        "neon:apiKey": "secret",
      }),
    ).toEqual({ environment: "staging", neon: { branchName: "staging" } });
  });
});
