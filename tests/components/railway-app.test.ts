import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REDIS_START_COMMAND } from "../../src/services/redis";
import {
  runProgramOffline,
  type OfflinePlan,
  type PlannedResource,
} from "../../src/offline/mock-runtime";
import { productionOutputsForStaging } from "../../src/offline/placeholders";
import { readStackFile } from "../../src/stack-file";
import { APP_ROLES, type ProductionConfig } from "../../src/config";
import { committedConfig, parseFixture } from "../../test-support/config-fixtures";

const ROOT = path.resolve(__dirname, "../..");
const CONFIG = "pulumi-nodejs:dynamic/railway:ServiceConfig";

/** Runs the stack's program, `railway.<role>` edited by `settings` (merged over the stack file's). */
async function run(
  stack: string,
  settings: Record<string, Record<string, unknown>> = {},
): Promise<OfflinePlan> {
  const file = readStackFile(ROOT, stack);
  const railwayKey = "client-fulfillment-infra:railway";
  const railway = JSON.parse(file.config[railwayKey] ?? "{}") as Record<
    string,
    Record<string, unknown>
  >;
  for (const [role, edit] of Object.entries(settings))
    railway[role] = { ...railway[role], ...edit };
  return runProgramOffline({
    stack,
    config: { ...file.config, [railwayKey]: JSON.stringify(railway) },
    secretKeys: file.secretKeys,
    stackReferences: { production: productionOutputsForStaging(ROOT) },
  });
}

function configOf(plan: OfflinePlan, role: string): PlannedResource {
  const matches = plan.resources.filter(
    (resource) => resource.type === CONFIG && resource.inputs.role === role,
  );
  expect(matches, `one ${role} config`).toHaveLength(1);
  return matches[0] as PlannedResource;
}

const byName = (plan: OfflinePlan, name: string) =>
  plan.resources.find((resource) => resource.name === name);

describe("production's Railway app on the mock runtime", () => {
  let plan: OfflinePlan;
  beforeAll(async () => {
    plan = await run("production");
  });

  it("adopts the app project and declares each app service, by its pinned name, in its production environment", () => {
    expect(byName(plan, "app-project")?.inputs).toMatchObject({
      name: "client-fulfillment-v2",
      defaultEnvironmentName: "production",
    });
    const { railway } = parseFixture(committedConfig("production")) as ProductionConfig;
    const services = plan.resources.filter(
      (resource) => resource.type === "pulumi-nodejs:dynamic/railway:Service",
    );
    expect(services.map((service) => service.inputs.name).sort()).toEqual(
      [...APP_ROLES.map((role) => railway[role].name), railway.backupJob.name].sort(),
    );
    expect(railway.redis.name).toBe("Redis");
    for (const role of APP_ROLES) {
      expect(configOf(plan, role).inputs.environmentId).toBe("computed-app-project-environment-id");
    }
  });

  it("builds the backend from branch main with its health check, Neon's app URL secret, references, and no PORT", () => {
    const backend = configOf(plan, "backend");
    expect(backend.inputs.source).toEqual({
      repo: "client-fulfillment/client-fulfillment-v2",
      branch: "main",
      rootDirectory: "backend",
    });
    expect(backend.inputs.deploy).toMatchObject({ healthcheckPath: "/health" });
    expect(backend.inputs.variables).toMatchObject({
      ENVIRONMENT: "production",
      REDIS_URL: "${{Redis.REDIS_URL}}",
      CRAWL4AI_URL: "http://${{crawl4ai.RAILWAY_PRIVATE_DOMAIN}}:${{crawl4ai.PORT}}",
      CRAWL4AI_API_TOKEN: "${{crawl4ai.CRAWL4AI_API_TOKEN}}",
    });
    expect(backend.inputs.variables).not.toHaveProperty("PORT");
    const databaseUrl = (backend.inputs.secretVariables as Record<string, string>).DATABASE_URL;
    expect(databaseUrl).toMatch(/^postgresql\+asyncpg:\/\/[^?]+$/);
    expect(backend.displayInputs.secretVariables).toBe("[secret]");
    expect(backend.displayInputs.variables).toEqual(backend.inputs.variables);
  });

  it("points the frontend at the backend's public domain, both with a Railway domain", () => {
    const frontend = configOf(plan, "frontend");
    expect(frontend.inputs.variables).toEqual({
      NEXT_PUBLIC_API_URL: "https://${{backend.RAILWAY_PUBLIC_DOMAIN}}",
    });
    expect(frontend.inputs.source).toMatchObject({ branch: "main", rootDirectory: "frontend" });
    const domains = plan.resources.filter(
      (resource) => resource.type === "pulumi-nodejs:dynamic/railway:ServiceDomain",
    );
    expect(domains.map((domain) => domain.inputs.serviceName).sort()).toEqual([
      "backend",
      "frontend",
    ]);
  });

  it("runs Redis as the template does: pinned image, protected volume at /data, generated secret password", () => {
    const redis = configOf(plan, "redis");
    expect(redis.inputs.source).toEqual({ image: "redis:8.2" });
    expect(redis.inputs.deploy).toMatchObject({ startCommand: REDIS_START_COMMAND });
    expect(redis.inputs.volumeMounts).toEqual({ "computed-app-redis-volume-id": "/data" });
    expect(byName(plan, "app-redis-volume")).toMatchObject({
      protect: true,
      inputs: expect.objectContaining({ mountPath: "/data" }),
    });
    expect(redis.inputs.variables).toMatchObject({
      REDISUSER: "default",
      REDISPORT: "6379",
      REDISHOST: "${{RAILWAY_PRIVATE_DOMAIN}}",
    });
    expect(redis.inputs.secretVariables).toEqual({
      REDIS_PASSWORD: "computed-app-redis-password-value",
    });
    expect(redis.displayInputs.secretVariables).toBe("[secret]");
  });

  it("keeps Crawl4AI private, with its port, shared memory, 4 GB and a generated token", () => {
    const crawl4ai = configOf(plan, "crawl4ai");
    expect(crawl4ai.inputs.source).toEqual({ image: "unclecode/crawl4ai:0.9.2" });
    expect(crawl4ai.inputs.variables).toEqual({
      PORT: "11235",
      RAILWAY_SHM_SIZE_BYTES: "1073741824",
    });
    expect(crawl4ai.inputs.limits).toEqual({ memoryGB: 4 });
    expect(Object.keys(crawl4ai.inputs.secretVariables as object)).toEqual(["CRAWL4AI_API_TOKEN"]);
  });

  it("runs the backup job as a single-shot Railway cron in its own project, fed by Neon and R2", () => {
    const job = configOf(plan, "backupJob");
    expect(byName(plan, "backups-project")?.inputs).toMatchObject({
      name: "client-fulfillment-backups",
    });
    expect(job.inputs.environmentId).toBe("computed-backups-project-environment-id");
    expect(job.inputs.source).toEqual({
      repo: "railwayapp-templates/postgres-s3-backups",
      branch: "main",
    });
    expect(job.inputs.deploy).toEqual({ cronSchedule: "0 */6 * * *", restartPolicyType: "NEVER" });
    expect(job.inputs.variables).toMatchObject({
      SINGLE_SHOT_MODE: "true",
      PG_VERSION: "17",
      NODE_VERSION: "22",
      AWS_S3_BUCKET: "client-fullfilment-backups",
      AWS_S3_ENDPOINT: "https://fa80d2f9a9e3a5f7971ca70c11cd0458.r2.cloudflarestorage.com",
      AWS_S3_REGION: "auto",
    });
    const secrets = job.inputs.secretVariables as Record<string, string>;
    expect(Object.keys(secrets).sort()).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "BACKUP_DATABASE_URL",
    ]);
    expect(secrets.BACKUP_DATABASE_URL).toMatch(/\?sslmode=require$/);
  });

  it("applies one environment's configs one at a time, referenced services first, each after its domain", () => {
    const after = (name: string) => byName(plan, name)?.dependsOn;
    expect(after("app-redis-config")).toEqual([]);
    expect(after("app-crawl4ai-config")).toEqual(["app-redis-config"]);
    expect(after("app-backend-config")).toEqual(["app-crawl4ai-config", "app-backend-domain"]);
    expect(after("app-frontend-config")).toEqual(["app-backend-config", "app-frontend-domain"]);
  });

  it("exports the Railway ids staging needs", () => {
    expect(plan.outputs.railwayProjectId?.value).toBe("computed-app-project-id");
    expect(plan.outputs.railwayServiceIds?.value).toEqual(
      Object.fromEntries(APP_ROLES.map((role) => [role, `computed-app-${role}-service-id`])),
    );
  });
});

describe("Railway settings from the stack file reach each service's config", () => {
  it("builds the backend and the frontend only for changes in their own folders", async () => {
    const plan = await run("production");
    expect(configOf(plan, "backend").inputs.build).toEqual({ watchPatterns: ["/backend/**"] });
    expect(configOf(plan, "frontend").inputs.build).toEqual({ watchPatterns: ["/frontend/**"] });
  });

  it("sends the backend's pre-deploy command as a list, and each health-check timeout", async () => {
    const plan = await run("production", {
      backend: { preDeployCommand: "alembic upgrade head", healthcheckTimeout: 120 },
      frontend: { healthcheckTimeout: 60 },
      crawl4ai: { healthcheckTimeout: 600 },
    });
    expect(configOf(plan, "backend").inputs.deploy).toMatchObject({
      preDeployCommand: ["alembic upgrade head"],
      healthcheckTimeout: 120,
    });
    expect(configOf(plan, "frontend").inputs.deploy).toMatchObject({ healthcheckTimeout: 60 });
    expect(configOf(plan, "crawl4ai").inputs.deploy).toMatchObject({ healthcheckTimeout: 600 });
  });

  it("leaves unset settings to Railway: nothing is declared for them", async () => {
    const plan = await run("production");
    for (const role of ["backend", "frontend", "crawl4ai", "redis"]) {
      const deploy = configOf(plan, role).inputs.deploy as Record<string, unknown>;
      expect(deploy.preDeployCommand, role).toBeUndefined();
      expect(deploy.healthcheckTimeout, role).toBeUndefined();
      expect(deploy.sleepApplication, role).toBeUndefined();
    }
  });
});

describe("staging's Railway app on the mock runtime", () => {
  let plan: OfflinePlan;
  beforeAll(async () => {
    plan = await run("staging");
  });

  it("declares its own environment in production's project and configures production's services there", () => {
    expect(byName(plan, "app-environment")?.inputs).toMatchObject({
      projectId: "computed-app-project-id",
      name: "staging",
    });
    expect(
      plan.resources.some((resource) => resource.type === "pulumi-nodejs:dynamic/railway:Service"),
    ).toBe(false);
    expect(
      plan.resources.some((resource) => resource.type === "pulumi-nodejs:dynamic/railway:Project"),
    ).toBe(false);
    const backend = configOf(plan, "backend");
    expect(backend.inputs).toMatchObject({
      serviceId: "computed-app-backend-service-id",
      environmentId: "computed-app-environment-id",
    });
    expect(backend.inputs.source).toMatchObject({ branch: "staging" });
    expect(backend.inputs.variables).toMatchObject({ ENVIRONMENT: "staging" });
  });

  it("lets the backend, frontend and Crawl4AI sleep when idle, not Redis, whose volume stays protected", () => {
    for (const role of ["backend", "frontend", "crawl4ai"])
      expect(configOf(plan, role).inputs.deploy, role).toMatchObject({ sleepApplication: true });
    expect(
      (configOf(plan, "redis").inputs.deploy as Record<string, unknown>).sleepApplication,
    ).toBeUndefined();
    expect(byName(plan, "app-redis-volume")?.protect).toBe(true);
  });

  it("references production's services by the names production's stack file pins", () => {
    expect(configOf(plan, "redis").inputs.serviceName).toBe("Redis");
    expect(configOf(plan, "backend").inputs.variables).toMatchObject({
      REDIS_URL: "${{Redis.REDIS_URL}}",
    });
  });

  it("keeps the live staging frontend's subdomain and runs no backup job", () => {
    const domain = plan.resources.find(
      (r) =>
        r.type === "pulumi-nodejs:dynamic/railway:ServiceDomain" &&
        r.inputs.serviceName === "frontend",
    );
    expect(domain?.inputs.subdomain).toBe("fe-client-fulfillment-v2-staging");
    expect(plan.resources.some((r) => r.type === CONFIG && r.inputs.role === "backupJob")).toBe(
      false,
    );
  });
});
