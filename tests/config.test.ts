import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  defaultWatchPatterns,
  parseStackConfig,
  projectConfigValues,
  readStackConfig,
  StackConfigError,
  type ProductionConfig,
} from "../src/config";
import { readStackFile } from "../src/stack-file";
import { committedConfig } from "../test-support/config-fixtures";
import { setConfig, stackDirWith } from "../test-support/plan-script";

const valuesOf = (stack: string) => committedConfig(stack).values;
/** Parses `values` as the stack's, with the committed file's secret keys unless the test names its own. */
const parse = (
  stack: string,
  values: Record<string, unknown>,
  secretKeys = committedConfig(stack).secretKeys,
) => parseStackConfig(stack, values, secretKeys);

function configError(stack: string, values: Record<string, unknown>): StackConfigError {
  try {
    parse(stack, values);
  } catch (error) {
    if (error instanceof StackConfigError) return error;
    throw error;
  }
  throw new Error("expected a StackConfigError");
}

function withNeon(
  overrides: Record<string, unknown>,
  stack = "production",
): Record<string, unknown> {
  const values = valuesOf(stack);
  return { ...values, neon: { ...(values.neon as object), ...overrides } };
}

function withBackups(overrides: Record<string, unknown>): Record<string, unknown> {
  const values = valuesOf("production");
  return { ...values, backups: { ...(values.backups as object), ...overrides } };
}

describe("the committed stack files", () => {
  it("staging has its own Neon project in the same org and region, and no backups", () => {
    const config = parse("staging", valuesOf("staging"));
    expect(config.neon).toEqual({
      plan: "free",
      orgId: "org-cold-waterfall-84590723",
      projectName: "client-fulfillment-staging",
      regionId: "aws-us-east-1",
      pgVersion: 17,
      historyRetentionSeconds: 21_600,
      compute: { minCu: 0.25, maxCu: 0.5, activeHoursPerMonth: 120 },
    });
    expect(config.database).toEqual({ appUrlScheme: "postgresql+asyncpg" });
    expect(config).not.toHaveProperty("backups");
  });
});

describe("invalid config", () => {
  it("lists every bad key with its path and the stack file, in one error", () => {
    const values = withNeon({ pgVersion: "17", historyRetentionSeconds: 86_400, colour: "blue" });
    const error = configError("production", {
      ...values,
      environment: "development",
      backups: { ...(values.backups as object), retentionDays: 0 },
    });
    expect(error.stackFile).toBe("Pulumi.production.yaml");
    expect(error.issues.map((issue) => issue.key).sort()).toEqual([
      "client-fulfillment-infra:backups.retentionDays",
      "client-fulfillment-infra:environment",
      "client-fulfillment-infra:neon.colour",
      "client-fulfillment-infra:neon.historyRetentionSeconds",
      "client-fulfillment-infra:neon.pgVersion",
    ]);
    expect(error.message).toContain(
      "Invalid stack configuration in Pulumi.production.yaml (5 problems)",
    );
    expect(error.message).toContain("expected number, received string");
    expect(error.message).toContain("Fix these keys in Pulumi.production.yaml");
  });

  it("rejects an environment that differs from the stack", () => {
    const error = configError("staging", { ...valuesOf("staging"), environment: "production" });
    expect(error.issues).toEqual([
      {
        key: "client-fulfillment-infra:environment",
        message: 'ENVIRONMENT is "production" but the stack is "staging"; set it to "staging".',
      },
    ]);
  });

  it("rejects PITR over the Free plan's maximum, and the keys the provider never updates", () => {
    const error = configError(
      "production",
      withNeon({
        historyRetentionSeconds: 86_400,
        suspendTimeoutSeconds: 300,
        computeProvisioner: "k8s-neonvm",
        storePassword: "yes",
      }),
    );
    expect(error.issues).toEqual([
      {
        key: "client-fulfillment-infra:neon.suspendTimeoutSeconds",
        message: "unknown key; remove it or correct its spelling (see docs/configuration.md)",
      },
      {
        key: "client-fulfillment-infra:neon.computeProvisioner",
        message: "unknown key; remove it or correct its spelling (see docs/configuration.md)",
      },
      {
        key: "client-fulfillment-infra:neon.storePassword",
        message: "unknown key; remove it or correct its spelling (see docs/configuration.md)",
      },
      {
        key: "client-fulfillment-infra:neon.historyRetentionSeconds",
        message:
          'historyRetentionSeconds is 86400, but the Neon free plan allows 0 to 21600 (Neon answers HTTP 400 "exceeds allowed maximum"). Set it to 21600 or less.',
      },
    ]);
  });

  it("rejects a default branch on an adopted project: its real name is the console's, not a guess", () => {
    const error = configError("production", withNeon({ defaultBranch: { name: "main" } }));
    expect(error.issues).toEqual([
      {
        key: "client-fulfillment-infra:neon.defaultBranch",
        message:
          "only shapes a project the program creates; an adopted project keeps its own default branch (console projects name it `production`), so remove the key",
      },
    ]);
  });

  it("rejects compute sizes outside the plan and more active hours than a month has", () => {
    const error = configError(
      "staging",
      withNeon({ compute: { minCu: 1, maxCu: 4, activeHoursPerMonth: 800 } }, "staging"),
    );
    expect(error.issues).toEqual([
      {
        key: "client-fulfillment-infra:neon.compute.activeHoursPerMonth",
        message: "a month has at most 744 hours",
      },
      {
        key: "client-fulfillment-infra:neon.compute",
        message: "neon.compute maxCu 4 is outside the Neon free plan's 0.25-2 CU.",
      },
    ]);
  });

  it("rejects a URL scheme the app's asyncpg engine cannot load", () => {
    const error = configError("staging", {
      ...valuesOf("staging"),
      database: { appUrlScheme: "postgresql" },
    });
    expect(error.issues).toEqual([
      {
        key: "client-fulfillment-infra:database.appUrlScheme",
        message: "must be postgresql+asyncpg: the app's SQLAlchemy asyncio engine uses asyncpg",
      },
    ]);
  });

  it("rejects a backup schedule that misses the RPO, with the gap and a fix", () => {
    const error = configError("production", withBackups({ schedule: "0 */7 * * *" }));
    expect(error.issues).toEqual([
      {
        key: "client-fulfillment-infra:backups.schedule",
        message:
          'backups.schedule "0 */7 * * *" leaves gaps of up to 7 h between backups, longer than the 6 h RPO. Run at least every 6 h, e.g. "0 */6 * * *".',
      },
    ]);
  });

  it("rejects a six-field schedule and an RPO beyond its bounds, each once", () => {
    expect(
      configError("production", withBackups({ schedule: "0 0 */6 * * *" })).issues.map(
        (issue) => issue.message,
      ),
    ).toEqual([
      'backups.schedule "0 0 */6 * * *" is not accepted: it has 6 fields, not 5; use five fields "minute hour day-of-month month day-of-week" with numbers, *, ranges a-b, lists a,b and steps */n, e.g. "0 */6 * * *".',
    ]);
    expect(configError("production", withBackups({ rpoHours: 0.01 })).issues).toEqual([
      {
        key: "client-fulfillment-infra:backups.rpoHours",
        message: "must be at least 0.0833 (5 minutes, Railway's shortest cron interval)",
      },
    ]);
    expect(configError("production", withBackups({ rpoHours: 200 })).issues).toEqual([
      { key: "client-fulfillment-infra:backups.rpoHours", message: "must be at most 168 (a week)" },
    ]);
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
    expect(() => parseStackConfig("dev", {})).toThrow(
      new StackConfigError("Pulumi.dev.yaml", [
        { key: "(stack)", message: 'stack "dev" is not supported; use "staging" or "production"' },
      ]).message,
    );
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

const SECRETS_KEY = "client-fulfillment-infra:railwaySecrets";

function railwayIssues(
  stack: string,
  values: Record<string, unknown>,
  secretKeys: readonly string[] = committedConfig(stack).secretKeys,
  plainValueKeys?: string[],
): { key: string; message: string }[] {
  try {
    parseStackConfig(stack, values, secretKeys, plainValueKeys);
  } catch (error) {
    if (error instanceof StackConfigError) return [...error.issues];
    throw error;
  }
  throw new Error("expected a StackConfigError");
}

function withRailway(
  stack: string,
  edit: (railway: Record<string, Record<string, unknown>>) => void,
): Record<string, unknown> {
  const values = structuredClone(valuesOf(stack));
  edit(values.railway as Record<string, Record<string, unknown>>);
  return values;
}

describe("railway config in the committed stack files", () => {
  it("production: the app project, its services with branch main, and the backup job", () => {
    const config = parse("production", valuesOf("production")) as ProductionConfig;
    expect(config.railway).toMatchObject({
      projectName: "client-fulfillment-v2",
      backend: {
        name: "backend",
        branch: "main",
        rootDirectory: "backend",
        healthcheckPath: "/health",
        variables: {},
      },
      frontend: { name: "frontend", branch: "main", backendUrlVariable: "NEXT_PUBLIC_API_URL" },
      redis: { name: "Redis", image: "redis:8.2" },
      crawl4ai: { name: "crawl4ai", image: "unclecode/crawl4ai:0.9.2", memoryGB: 4 },
      backupJob: {
        projectName: "client-fulfillment-backups",
        repo: "railwayapp-templates/postgres-s3-backups",
        pgVersion: 17,
        nodeVersion: "22",
      },
    });
  });

  it("staging: branch staging, the live staging frontend's subdomain, production's stack for the ids", () => {
    const config = parse("staging", valuesOf("staging"));
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
    expect(railwayIssues("production", values)).toEqual([
      {
        key: "client-fulfillment-infra:railway.backend.repo",
        message: 'must be a GitHub repository "owner/name"',
      },
      {
        key: "client-fulfillment-infra:railway.backend.variables.BAD-NAME",
        message: expect.stringContaining("must be a variable name"),
      },
      {
        key: "client-fulfillment-infra:railway.frontend.subdomian",
        message: expect.stringContaining("unknown key"),
      },
      {
        key: "client-fulfillment-infra:railway.redis.image",
        message: 'pin a version; ":latest" changes under you',
      },
      {
        key: "client-fulfillment-infra:railway.crawl4ai.memoryGB",
        message: "Crawl4AI needs at least 4 GB (its README); set 4 or more",
      },
    ]);
  });

  it("refuses a backup job in staging and a missing production stack reference", () => {
    const values = withRailway("staging", (railway) => {
      delete railway.productionStack;
      (railway as Record<string, unknown>).backupJob = { pgVersion: 17, nodeVersion: "22" };
    });
    expect(railwayIssues("staging", values).map((issue) => issue.key)).toEqual([
      "client-fulfillment-infra:railway.productionStack",
      "client-fulfillment-infra:railway.backupJob",
    ]);
  });

  it("refuses secret variables that are not encrypted, and secure: values inside railway", () => {
    const values = {
      ...valuesOf("production"),
      railwaySecrets: { backend: { API_KEY: "plain-text" } },
    };
    expect(railwayIssues("production", values, [])).toEqual([
      {
        key: SECRETS_KEY,
        message: expect.stringContaining(
          "is not encrypted; set each value with `pulumi config set --secret",
        ),
      },
    ]);
    const { railwaySecrets: _secrets, ...withoutSecrets } = valuesOf("production");
    expect(
      railwayIssues("production", withoutSecrets, ["client-fulfillment-infra:railway"]),
    ).toEqual([
      {
        key: "client-fulfillment-infra:railway",
        message: expect.stringContaining("put secret variables under railwaySecrets.<role>.<NAME>"),
      },
    ]);
  });

  it("refuses a secret variable for the backup job in staging, which runs none", () => {
    const values = {
      ...valuesOf("staging"),
      railwaySecrets: { backupJob: { EXTRA: "from-secure-config" } },
    };
    expect(railwayIssues("staging", values, [SECRETS_KEY])).toEqual([
      { key: SECRETS_KEY, message: "staging runs no backup job" },
    ]);
    expect(() =>
      parseStackConfig("staging", { ...values, railwaySecrets: { backend: { EXTRA: "x" } } }, [
        SECRETS_KEY,
      ]),
    ).not.toThrow();
  });

  it("turns each secret variable into a secret Output at once", async () => {
    const values = {
      ...valuesOf("production"),
      railwaySecrets: { backend: { API_KEY: "from-secure-config" } },
    };
    const config = parseStackConfig("production", values, [SECRETS_KEY]);
    const apiKey = config.railwaySecrets.backend?.API_KEY;
    expect(apiKey).toBeDefined();
    expect(await pulumi.isSecret(apiKey as pulumi.Output<string>)).toBe(true);
  });
});

describe("Railway service settings", () => {
  const production = (edit: (railway: Record<string, Record<string, unknown>>) => void) =>
    parse("production", withRailway("production", edit)) as ProductionConfig;

  it("watches each app's own folder by default, so a push rebuilds only what changed", () => {
    const config = production(() => undefined);
    expect(config.railway.backend.watchPatterns).toEqual(["/backend/**"]);
    expect(config.railway.frontend.watchPatterns).toEqual(["/frontend/**"]);
    expect(defaultWatchPatterns("/backend/")).toEqual(["/backend/**"]);
    expect(defaultWatchPatterns(undefined)).toBeUndefined();
    const explicit = production((railway) => {
      railway.backend = { ...railway.backend, watchPatterns: ["/backend/**", "/shared/**"] };
      delete railway.frontend?.rootDirectory;
    });
    expect(explicit.railway.backend.watchPatterns).toEqual(["/backend/**", "/shared/**"]);
    expect(explicit.railway.frontend.watchPatterns).toBeUndefined();
  });

  it("takes the backend's pre-deploy command as one string or a list, and stores a list", () => {
    expect(production(() => undefined).railway.backend.preDeployCommand).toBeUndefined();
    expect(
      production(
        (railway) =>
          void (railway.backend = { ...railway.backend, preDeployCommand: "alembic upgrade head" }),
      ).railway.backend.preDeployCommand,
    ).toEqual(["alembic upgrade head"]);
    const list = ["alembic upgrade head", "python -m app.seed"];
    expect(
      production(
        (railway) => void (railway.backend = { ...railway.backend, preDeployCommand: list }),
      ).railway.backend.preDeployCommand,
    ).toEqual(list);
  });

  it("refuses bad settings, naming each key", () => {
    const values = withRailway("production", (railway) => {
      railway.backend = {
        ...railway.backend,
        preDeployCommand: "",
        healthcheckTimeout: 0,
        watchPatterns: [],
      };
      railway.frontend = { ...railway.frontend, healthcheckTimeout: 1.5, sleepApplication: "yes" };
      railway.crawl4ai = { ...railway.crawl4ai, preDeployCommand: "alembic upgrade head" };
    });
    expect(railwayIssues("production", values)).toEqual([
      {
        key: "client-fulfillment-infra:railway.backend.healthcheckTimeout",
        message: "must be at least 1 second",
      },
      {
        key: "client-fulfillment-infra:railway.backend.watchPatterns",
        message: 'list at least one pattern, e.g. ["/backend/**"]',
      },
      {
        key: "client-fulfillment-infra:railway.backend.preDeployCommand",
        message: "must not be empty",
      },
      {
        key: "client-fulfillment-infra:railway.frontend.healthcheckTimeout",
        message: "must be a whole number of seconds",
      },
      {
        key: "client-fulfillment-infra:railway.frontend.sleepApplication",
        message: expect.stringContaining("expected boolean"),
      },
      {
        key: "client-fulfillment-infra:railway.crawl4ai.preDeployCommand",
        message: expect.stringContaining("unknown key"),
      },
    ]);
  });

  it("staging lets the backend, frontend and Crawl4AI sleep, and keeps Redis awake", () => {
    const config = parse("staging", valuesOf("staging"));
    expect(
      [config.railway.backend, config.railway.frontend, config.railway.crawl4ai].map(
        (service) => service.sleepApplication,
      ),
    ).toEqual([true, true, true]);
    expect(config.railway.redis.sleepApplication).toBeUndefined();
    expect(
      (parse("production", valuesOf("production")) as ProductionConfig).railway.backend
        .sleepApplication,
    ).toBeUndefined();
  });
});

describe("Railway service names", () => {
  it("production pins every name, Redis as the template names it", () => {
    const { railway } = parse("production", valuesOf("production")) as ProductionConfig;
    expect([
      railway.backend.name,
      railway.frontend.name,
      railway.redis.name,
      railway.crawl4ai.name,
      railway.backupJob.name,
    ]).toEqual(["backend", "frontend", "Redis", "crawl4ai", "postgres-s3-backups"]);
  });

  it("production guesses no name: a missing one is required, with the check that confirms it", () => {
    const values = withRailway("production", (railway) => {
      delete railway.redis?.name;
    });
    expect(railwayIssues("production", values)).toEqual([
      {
        key: "client-fulfillment-infra:railway.redis.name",
        message: expect.stringContaining("required: pin the live service's name"),
      },
    ]);
    expect(railwayIssues("production", values)[0]?.message).toContain(
      "npm run -s railway:check -- --stack production",
    );
  });

  it("refuses two roles with one service name, naming both keys", () => {
    const values = withRailway("production", (railway) => {
      railway.frontend = { ...railway.frontend, name: "crawl4ai" };
    });
    expect(railwayIssues("production", values)).toEqual([
      {
        key: "client-fulfillment-infra:railway.frontend.name",
        message:
          'is "crawl4ai", like client-fulfillment-infra:railway.crawl4ai.name; each role needs its own Railway service, so give each its live service\'s name',
      },
    ]);
  });

  it("refuses names that differ only by case, which would be near misses", () => {
    const values = withRailway("production", (railway) => {
      railway.crawl4ai = { ...railway.crawl4ai, name: "redis" };
    });
    expect(railwayIssues("production", values)).toEqual([
      {
        key: "client-fulfillment-infra:railway.crawl4ai.name",
        message: expect.stringContaining(
          'is "redis", which differs only by case from "Redis" of client-fulfillment-infra:railway.redis.name',
        ),
      },
    ]);
  });

  it("staging sets no name: they come from production's outputs", () => {
    const values = withRailway("staging", (railway) => {
      railway.backend = { ...railway.backend, name: "backend" };
    });
    expect(railwayIssues("staging", values)).toEqual([
      {
        key: "client-fulfillment-infra:railway.backend.name",
        message:
          "staging takes service names from production's outputs (railwayServiceNames); remove this key and pin the name in Pulumi.production.yaml",
      },
    ]);
  });
});

describe("railwaySecrets values judged one by one", () => {
  const ciphertext = "v1:AAAAbm90LWRlY3J5cHRlZA==";
  const secrets = (apiKey: unknown) =>
    setConfig([SECRETS_KEY, "backend"], { SENTRY_DSN: { secure: ciphertext }, API_KEY: apiKey });
  it("refuses a plain value beside a secure: sibling, naming the plain one", () => {
    const file = readStackFile(stackDirWith("production", secrets("plain-text")), "production");
    // Pulumi marks the whole key secret: per key, the plain value would pass.
    expect(file.secretKeys).toContain(SECRETS_KEY);
    expect(() =>
      parseStackConfig("production", projectConfigValues(file.config), file.secretKeys),
    ).not.toThrow();
    expect(
      railwayIssues(
        "production",
        projectConfigValues(file.config),
        file.secretKeys,
        file.plainValueKeys,
      ),
    ).toEqual([
      {
        key: `${SECRETS_KEY}.backend.API_KEY`,
        message:
          "is not encrypted; set it with `pulumi config set --secret --path 'railwaySecrets.backend.API_KEY' <value>`",
      },
    ]);
  });

  it("accepts the stack file when every value is secure:", () => {
    const file = readStackFile(
      stackDirWith("production", secrets({ secure: ciphertext })),
      "production",
    );
    expect(() =>
      parseStackConfig(
        "production",
        projectConfigValues(file.config),
        file.secretKeys,
        file.plainValueKeys,
      ),
    ).not.toThrow();
  });

  it("reads the stack file of the project root under the Pulumi CLI, which names secret keys only at the top level", async () => {
    const dir = stackDirWith("production", secrets("plain-text"));
    const file = readStackFile(dir, "production");
    await pulumi.runtime.setMocks(
      { newResource: () => ({ id: "", state: {} }), call: () => ({}) },
      "client-fulfillment-infra",
      "production",
      false,
    );
    pulumi.runtime.setAllConfig(file.config, file.secretKeys);
    expect(() => readStackConfig(dir)).toThrow(
      /railwaySecrets\.backend\.API_KEY: is not encrypted/,
    );
    // Without a stack file to read, the top-level key is all there is to judge.
    expect(() => readStackConfig("")).not.toThrow();
  });
});

describe("cost config", () => {
  it("needs a positive budget and a known Railway plan in each stack", () => {
    const values = { ...valuesOf("staging"), budget: { monthlyUsd: 0, railwayPlan: "team" } };
    expect(railwayIssues("staging", values).map((issue) => issue.key)).toEqual([
      "client-fulfillment-infra:budget.monthlyUsd",
      "client-fulfillment-infra:budget.railwayPlan",
    ]);
    const { budget: _budget, ...withoutBudget } = valuesOf("production");
    expect(railwayIssues("production", withoutBudget)).toEqual([
      { key: "client-fulfillment-infra:budget", message: expect.stringContaining("required") },
    ]);
  });

  it("derives production's usage limit from the budget, and refuses one Railway would", () => {
    const withBudget = (stack: string, budget: Record<string, unknown>) => ({
      ...valuesOf(stack),
      budget: { monthlyUsd: 60, ...budget },
    });
    expect(parse("production", withBudget("production", {})).budget).toMatchObject({
      softLimitUsd: 60,
      hardLimitUsd: 90,
    });
    expect(parse("production", withBudget("production", { monthlyUsd: 4 })).budget).toMatchObject({
      softLimitUsd: 4,
      hardLimitUsd: 10,
    });
    expect(
      parse("production", withBudget("production", { softLimitUsd: 50, hardLimitUsd: 120 })).budget,
    ).toMatchObject({ softLimitUsd: 50, hardLimitUsd: 120 });
    expect(railwayIssues("production", withBudget("production", { hardLimitUsd: 5 }))).toEqual([
      {
        key: "client-fulfillment-infra:budget.hardLimitUsd",
        message: expect.stringContaining("smallest hard limit is $10"),
      },
    ]);
    expect(
      railwayIssues("production", withBudget("production", { softLimitUsd: 90, hardLimitUsd: 80 })),
    ).toEqual([
      {
        key: "client-fulfillment-infra:budget.softLimitUsd",
        message: expect.stringContaining("must be below hardLimitUsd"),
      },
    ]);
    expect(
      railwayIssues("staging", withBudget("staging", { hardLimitUsd: 90 })).map(
        (issue) => issue.key,
      ),
    ).toEqual(["client-fulfillment-infra:budget.hardLimitUsd"]);
  });

  it("lets staging's Crawl4AI go down to 2 GB for tests, and production keep the README's 4", () => {
    const small = (stack: string, memoryGB: number) =>
      withRailway(stack, (railway) => {
        railway.crawl4ai = { ...railway.crawl4ai, memoryGB };
      });
    expect(parse("staging", small("staging", 2)).railway.crawl4ai.memoryGB).toBe(2);
    expect(railwayIssues("staging", small("staging", 1))).toEqual([
      {
        key: "client-fulfillment-infra:railway.crawl4ai.memoryGB",
        message:
          "Crawl4AI's image fails its own health check under 2 GB; set 2 or more (production keeps the README's 4)",
      },
    ]);
    expect(
      railwayIssues("production", small("production", 2)).map((issue) => issue.message),
    ).toEqual(["Crawl4AI needs at least 4 GB (its README); set 4 or more"]);
  });

  it("accepts awake hours only on a service that sleeps, and expected memory only within its limit", () => {
    const values = withRailway("production", (railway) => {
      railway.backend = { ...railway.backend, usage: { awakeHoursPerMonth: 100 } };
      railway.crawl4ai = { ...railway.crawl4ai, usage: { memoryGB: 5 } };
    });
    const issues = railwayIssues("production", values);
    expect(issues).toHaveLength(2);
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          key: "client-fulfillment-infra:railway.backend.usage.awakeHoursPerMonth",
          message:
            "only a service with sleepApplication: true sleeps; remove the key or set railway.backend.sleepApplication: true",
        },
        {
          key: "client-fulfillment-infra:railway.crawl4ai.usage.memoryGB",
          message:
            "is 5 GB, above the service's 4 GB limit (railway.crawl4ai.memoryGB); Railway stops it at the limit",
        },
      ]),
    );
  });

  it("needs the size of one dump for R2's estimate", () => {
    expect(
      railwayIssues("production", withBackups({ expectedDumpMB: 0 })).map((issue) => issue.key),
    ).toEqual(["client-fulfillment-infra:backups.expectedDumpMB"]);
  });
});
