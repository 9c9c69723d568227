import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { parseStackConfig, projectConfigValues, StackConfigError, type ProductionConfig } from "../src/config";
import { readStackFile } from "../src/offline/stack-file";

const ROOT = path.resolve(__dirname, "..");
const valuesOf = (stack: string) => projectConfigValues(readStackFile(ROOT, stack).config);
const SECRETS_KEY = "client-fulfillment-infra:railwaySecrets";

function issuesOf(stack: string, values: Record<string, unknown>, secretKeys: string[] = []): { key: string; message: string }[] {
  try {
    parseStackConfig(stack, values, secretKeys);
  } catch (error) {
    if (error instanceof StackConfigError) return [...error.issues];
    throw error;
  }
  throw new Error("expected a StackConfigError");
}

function withRailway(stack: string, edit: (railway: Record<string, Record<string, unknown>>) => void): Record<string, unknown> {
  const values = structuredClone(valuesOf(stack));
  edit(values.railway as Record<string, Record<string, unknown>>);
  return values;
}

describe("railway config in the committed stack files", () => {
  it("production: the app project, its services with branch main, and the backup job", () => {
    const config = parseStackConfig("production", valuesOf("production")) as ProductionConfig;
    expect(config.railway).toMatchObject({
      projectName: "client-fulfillment-v2",
      backend: { name: "backend", branch: "main", rootDirectory: "backend", healthcheckPath: "/health", variables: {} },
      frontend: { name: "frontend", branch: "main", backendUrlVariable: "NEXT_PUBLIC_API_URL" },
      redis: { name: "redis", image: "redis:8.2" },
      crawl4ai: { name: "crawl4ai", image: "unclecode/crawl4ai:0.9.2", memoryGB: 4 },
      backupJob: { projectName: "client-fulfillment-backups", repo: "railwayapp-templates/postgres-s3-backups", pgVersion: 17, nodeVersion: "22" },
    });
    expect(config.railwaySecrets).toEqual({});
  });

  it("staging: branch staging, the seed's frontend subdomain, production's stack for the ids", () => {
    const config = parseStackConfig("staging", valuesOf("staging"));
    expect(config.railway).toMatchObject({
      productionStack: "production",
      backend: { branch: "staging" },
      frontend: { branch: "staging", subdomain: "fe-client-fulfillment-v2-staging" },
    });
  });
});

describe("railway config errors", () => {
  it("lists every bad key at once, with its path and the fix", () => {
    const values = withRailway("production", (railway) => {
      railway.backend = { ...railway.backend, repo: "not-a-repo", variables: { "BAD-NAME": "x" } };
      railway.redis = { ...railway.redis, image: "redis:latest" };
      railway.crawl4ai = { ...railway.crawl4ai, memoryGB: 2 };
      railway.frontend = { ...railway.frontend, subdomian: "typo" };
    });
    expect(issuesOf("production", values)).toEqual([
      { key: "client-fulfillment-infra:railway.backend.repo", message: 'must be a GitHub repository "owner/name"' },
      { key: "client-fulfillment-infra:railway.backend.variables.BAD-NAME", message: expect.stringContaining("must be a variable name") },
      { key: "client-fulfillment-infra:railway.frontend.subdomian", message: expect.stringContaining("unknown key") },
      { key: "client-fulfillment-infra:railway.redis.image", message: 'pin a version; ":latest" changes under you' },
      { key: "client-fulfillment-infra:railway.crawl4ai.memoryGB", message: "Crawl4AI needs at least 4 GB (its README); set 4 or more" },
    ]);
  });

  it("refuses a backup job in staging and a missing production stack reference", () => {
    const values = withRailway("staging", (railway) => {
      delete railway.productionStack;
      (railway as Record<string, unknown>).backupJob = { pgVersion: 17, nodeVersion: "22" };
    });
    expect(issuesOf("staging", values).map((issue) => issue.key)).toEqual([
      "client-fulfillment-infra:railway.productionStack",
      "client-fulfillment-infra:railway.backupJob",
    ]);
  });

  it("refuses secret variables that are not encrypted, and secure: values inside railway", () => {
    const values = { ...valuesOf("production"), railwaySecrets: { backend: { API_KEY: "plain-text" } } };
    expect(issuesOf("production", values)).toEqual([
      { key: SECRETS_KEY, message: expect.stringContaining("is not encrypted; set each value with `pulumi config set --secret") },
    ]);
    expect(issuesOf("production", valuesOf("production"), ["client-fulfillment-infra:railway"])).toEqual([
      { key: "client-fulfillment-infra:railway", message: expect.stringContaining("put secret variables under railwaySecrets.<role>.<NAME>") },
    ]);
  });

  it("turns each secret variable into a secret Output at once", async () => {
    const values = { ...valuesOf("production"), railwaySecrets: { backend: { API_KEY: "from-secure-config" } } };
    const config = parseStackConfig("production", values, [SECRETS_KEY]);
    const apiKey = config.railwaySecrets.backend?.API_KEY;
    expect(apiKey).toBeDefined();
    expect(await pulumi.isSecret(apiKey as pulumi.Output<string>)).toBe(true);
  });
});
