import { describe, expect, it } from "vitest";
import { backupLifecycleRules } from "../../src/components/backup-bucket";
import * as railwayRules from "../../src/invariants/railway-rules";
import type { StackSnapshot } from "../../src/invariants/rule-kit";
import type { RuleResult } from "../../src/invariants/violation";
import { rulesExportedBy } from "./module-rules";

const {
  backupClientMatchesServer,
  backupCronMeetsRpo,
  backupJobWritesRetainedBucket,
  crawl4aiPrivateWithToken,
  RAILWAY_TYPES,
  railwayReferencesResolve,
  serviceDatabaseUrlHasNoQuery,
  serviceEnvironmentMatchesStack,
  webServicesLeavePortToRailway,
} = railwayRules;
const RAILWAY_RULES = rulesExportedBy(railwayRules).map(([, rule]) => rule);

function evaluateRailwayRules(snapshot: StackSnapshot): RuleResult[] {
  return RAILWAY_RULES.map((rule) => rule.evaluate(snapshot));
}

type Resource = StackSnapshot["resources"][number];
const SECRET_PASSWORD = "s3cr3t-not-to-print";

function config(
  name: string,
  role: string,
  inputs: Record<string, unknown>,
  environmentId = "env-prod",
): Resource {
  return {
    type: RAILWAY_TYPES.serviceConfig,
    name: `${name}-config`,
    protect: false,
    inputs: {
      serviceName: name,
      role,
      serviceId: `svc-${name}`,
      environmentId,
      variables: {},
      secretVariables: {},
      deploy: {},
      ...inputs,
    },
  };
}

function domain(service: string, environmentId = "env-prod"): Resource {
  return {
    type: RAILWAY_TYPES.serviceDomain,
    name: `${service}-domain`,
    protect: false,
    inputs: { serviceId: `svc-${service}`, environmentId },
  };
}

/** A production stack wired as the program wires it. */
function happy(): Resource[] {
  return [
    config("redis", "redis", {
      variables: {
        REDISUSER: "default",
        REDISPORT: "6379",
        REDISHOST: "${{RAILWAY_PRIVATE_DOMAIN}}",
        REDIS_URL: "redis://${{REDISUSER}}:${{REDIS_PASSWORD}}@${{REDISHOST}}:${{REDISPORT}}",
      },
      secretVariables: { REDIS_PASSWORD: SECRET_PASSWORD },
    }),
    config("crawl4ai", "crawl4ai", {
      variables: { PORT: "11235" },
      secretVariables: { CRAWL4AI_API_TOKEN: SECRET_PASSWORD },
    }),
    config("backend", "backend", {
      traits: ["public-web", "app-database"],
      variables: {
        ENVIRONMENT: "production",
        REDIS_URL: "${{redis.REDIS_URL}}",
        CRAWL4AI_URL: "http://${{crawl4ai.RAILWAY_PRIVATE_DOMAIN}}:${{crawl4ai.PORT}}",
        CRAWL4AI_API_TOKEN: "${{crawl4ai.CRAWL4AI_API_TOKEN}}",
      },
      secretVariables: {
        DATABASE_URL: `postgresql+asyncpg://app:${SECRET_PASSWORD}@ep-x.us-east-1.aws.neon.tech/neondb`,
      },
    }),
    domain("backend"),
    config("frontend", "frontend", {
      traits: ["public-web"],
      variables: { NEXT_PUBLIC_API_URL: "https://${{backend.RAILWAY_PUBLIC_DOMAIN}}" },
    }),
    domain("frontend"),
    config(
      "postgres-s3-backups",
      "backupJob",
      {
        deploy: { cronSchedule: "0 */6 * * *", restartPolicyType: "NEVER" },
        variables: {
          SINGLE_SHOT_MODE: "true",
          PG_VERSION: "17",
          NODE_VERSION: "22",
          AWS_S3_BUCKET: "client-fullfilment-backups",
        },
        secretVariables: {
          BACKUP_DATABASE_URL: "postgresql://x",
          AWS_ACCESS_KEY_ID: "id",
          AWS_SECRET_ACCESS_KEY: SECRET_PASSWORD,
        },
      },
      "env-backups",
    ),
    {
      type: "neon:index/project:Project",
      name: "database-project",
      protect: true,
      inputs: { pgVersion: 17 },
    },
    {
      type: "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle",
      name: "backups-lifecycle",
      protect: false,
      inputs: { bucketName: "client-fullfilment-backups", rules: backupLifecycleRules(30) },
    },
  ];
}

function evaluate(resources: Resource[], stack = "production") {
  const snapshot: StackSnapshot = {
    stack,
    resources,
    outputs: {},
    expected: { appUrlScheme: "postgresql+asyncpg", retentionDays: 30, rpoHours: 6, pgVersion: 17 },
  };
  return Object.fromEntries(evaluateRailwayRules(snapshot).map((result) => [result.rule, result]));
}

/** The happy stack with one service's inputs changed. */
function withService(
  name: string,
  change: (inputs: Record<string, unknown>) => Record<string, unknown>,
): Resource[] {
  return happy().map((resource) =>
    resource.type === RAILWAY_TYPES.serviceConfig && resource.inputs.serviceName === name
      ? { ...resource, inputs: change(resource.inputs) }
      : resource,
  );
}
const plain = (inputs: Record<string, unknown>) => inputs.variables as Record<string, string>;
const secret = (inputs: Record<string, unknown>) =>
  inputs.secretVariables as Record<string, string>;
const without = (variables: Record<string, string>, name: string) =>
  Object.fromEntries(Object.entries(variables).filter(([key]) => key !== name));

describe("Railway rules on the happy path", () => {
  it("pass, each with a message naming what holds", () => {
    const results = evaluate(happy());
    expect(Object.values(results)).toEqual(
      RAILWAY_RULES.map((rule) => expect.objectContaining({ rule: rule.id, status: "pass" })),
    );
    expect(results[railwayReferencesResolve.id]?.message).toBe(
      "All 10 references name a declared service and a variable it has.",
    );
  });

  it("say 'not applicable' when the stack declares no Railway service", () => {
    const results = evaluate([]);
    expect(Object.values(results).every((result) => result.status === "not-applicable")).toBe(true);
    expect(results[backupClientMatchesServer.id]?.message).toBe(
      "not applicable: the stack declares no backup job.",
    );
  });
});

describe("each rule fails on its own mistake, without printing secret values", () => {
  const cases: [string, string, Resource[], string][] = [
    [
      serviceDatabaseUrlHasNoQuery.id,
      "sslmode in DATABASE_URL",
      withService("backend", (i) => ({
        ...i,
        secretVariables: { DATABASE_URL: `${secret(i).DATABASE_URL}?sslmode=require` },
      })),
      'contains "sslmode"',
    ],
    [
      serviceDatabaseUrlHasNoQuery.id,
      "DATABASE_URL moved to a plain variable",
      withService("backend", (i) => ({
        ...i,
        variables: { ...plain(i), DATABASE_URL: secret(i).DATABASE_URL },
        secretVariables: {},
      })),
      "has DATABASE_URL as a plain variable",
    ],
    [
      serviceDatabaseUrlHasNoQuery.id,
      "no DATABASE_URL on a service that gets the app database",
      withService("backend", (i) => ({
        ...i,
        secretVariables: without(secret(i), "DATABASE_URL"),
      })),
      'Service "backend" declares no DATABASE_URL',
    ],
    [
      serviceEnvironmentMatchesStack.id,
      "ENVIRONMENT development",
      withService("backend", (i) => ({
        ...i,
        variables: { ...plain(i), ENVIRONMENT: "development" },
      })),
      '"development" turns database SSL off',
    ],
    [
      serviceEnvironmentMatchesStack.id,
      "ENVIRONMENT of the other stack",
      withService("frontend", (i) => ({
        ...i,
        variables: { ...plain(i), ENVIRONMENT: "staging" },
      })),
      'but the stack is "production"',
    ],
    [
      serviceEnvironmentMatchesStack.id,
      "no ENVIRONMENT on the backend",
      withService("backend", (i) => ({ ...i, variables: without(plain(i), "ENVIRONMENT") })),
      "has no ENVIRONMENT",
    ],
    [
      webServicesLeavePortToRailway.id,
      "PORT on the frontend",
      withService("frontend", (i) => ({ ...i, variables: { ...plain(i), PORT: "3000" } })),
      'Service "frontend" sets PORT',
    ],
    [
      railwayReferencesResolve.id,
      "misspelled variable",
      withService("backend", (i) => ({
        ...i,
        variables: { ...plain(i), REDIS_URL: "${{redis.REDIS_ULR}}" },
      })),
      'names REDIS_ULR, which "redis" neither declares',
    ],
    [
      railwayReferencesResolve.id,
      "misspelled service",
      withService("backend", (i) => ({
        ...i,
        variables: { ...plain(i), REDIS_URL: "${{Redis.REDIS_URL}}" },
      })),
      'names service "Redis"',
    ],
    [
      railwayReferencesResolve.id,
      "public domain of a service without one",
      happy().filter((r) => r.name !== "backend-domain"),
      "names RAILWAY_PUBLIC_DOMAIN",
    ],
    [
      railwayReferencesResolve.id,
      "a misspelled variable of a service that has a public domain",
      withService("frontend", (i) => ({
        ...i,
        variables: {
          ...plain(i),
          NEXT_PUBLIC_API_URL: "https://${{backend.RAILWAY_PUBLIC_DOMAN}}",
        },
      })),
      'names RAILWAY_PUBLIC_DOMAN, which "backend" neither declares',
    ],
    [
      railwayReferencesResolve.id,
      "a service of another environment",
      withService("frontend", (i) => ({
        ...i,
        variables: { ...plain(i), X: "${{postgres-s3-backups.PG_VERSION}}" },
      })),
      'names service "postgres-s3-backups"',
    ],
    [
      crawl4aiPrivateWithToken.id,
      "a public domain",
      [...happy(), domain("crawl4ai")],
      "has a public domain",
    ],
    [
      crawl4aiPrivateWithToken.id,
      "no token",
      withService("crawl4ai", (i) => ({ ...i, secretVariables: {} })),
      "has no CRAWL4AI_API_TOKEN",
    ],
    [
      crawl4aiPrivateWithToken.id,
      "an empty token",
      withService("crawl4ai", (i) => ({ ...i, secretVariables: { CRAWL4AI_API_TOKEN: "" } })),
      "has no CRAWL4AI_API_TOKEN",
    ],
    [
      crawl4aiPrivateWithToken.id,
      "the token as a plain variable",
      withService("crawl4ai", (i) => ({
        ...i,
        variables: { ...plain(i), CRAWL4AI_API_TOKEN: SECRET_PASSWORD },
        secretVariables: {},
      })),
      "has CRAWL4AI_API_TOKEN as a plain variable",
    ],
    [
      backupClientMatchesServer.id,
      "pg_dump older than the server",
      withService("postgres-s3-backups", (i) => ({
        ...i,
        variables: { ...plain(i), PG_VERSION: "16" },
      })),
      "builds pg_dump 16, older than the Neon server's 17",
    ],
    [
      backupClientMatchesServer.id,
      "a Node image without the client",
      withService("postgres-s3-backups", (i) => ({
        ...i,
        variables: { ...plain(i), NODE_VERSION: "20.11.1" },
      })),
      'set railway.backupJob.nodeVersion to "22"',
    ],
    [
      backupCronMeetsRpo.id,
      "a daily cron for a 6 h RPO",
      withService("postgres-s3-backups", (i) => ({ ...i, deploy: { cronSchedule: "0 5 * * *" } })),
      "longer than the 6 h RPO",
    ],
    [
      backupCronMeetsRpo.id,
      "no cron schedule",
      withService("postgres-s3-backups", (i) => ({ ...i, deploy: { restartPolicyType: "NEVER" } })),
      "has no cron schedule, so it would run once",
    ],
    [
      backupCronMeetsRpo.id,
      "no single-shot mode",
      withService("postgres-s3-backups", (i) => ({
        ...i,
        variables: { ...plain(i), SINGLE_SHOT_MODE: "false" },
      })),
      "lacks SINGLE_SHOT_MODE=true",
    ],
    [
      backupJobWritesRetainedBucket.id,
      "another bucket",
      withService("postgres-s3-backups", (i) => ({
        ...i,
        variables: { ...plain(i), AWS_S3_BUCKET: "client-fulfillment-backups" },
      })),
      "has no lifecycle declared here",
    ],
  ];

  it.each(cases)("%s: %s", (rule, _what, resources, expected) => {
    const result = evaluate(resources)[rule];
    expect(result?.status).toBe("fail");
    expect(result?.message).toContain(expected);
    expect(JSON.stringify(evaluate(resources))).not.toContain(SECRET_PASSWORD);
  });

  it("names a reference inside a secret variable without printing the value", () => {
    const resources = withService("backend", (i) => ({
      ...i,
      secretVariables: { ...secret(i), TOKEN: `${SECRET_PASSWORD}\${{nowhere.X}}` },
    }));
    const result = evaluate(resources)[railwayReferencesResolve.id];
    expect(result?.status).toBe("fail");
    expect(result?.message).toContain(
      'a reference in secret variable TOKEN names service "nowhere"',
    );
    expect(result?.message).not.toContain(SECRET_PASSWORD);
  });

  it("cannot decide the backup client without the server's major", () => {
    const resources = happy().filter((r) => r.type !== "neon:index/project:Project");
    const snapshot: StackSnapshot = {
      stack: "production",
      resources,
      outputs: {},
      expected: { appUrlScheme: "postgresql+asyncpg", rpoHours: 6 },
    };
    const result = evaluateRailwayRules(snapshot).find(
      (r) => r.rule === backupClientMatchesServer.id,
    );
    expect(result?.status).toBe("undecided");
  });
});
