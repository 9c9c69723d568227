import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { RailwayApp } from "../../src/components/railway-app";
import type { ServiceSpec } from "../../src/components/railway-service";
import type { ProductionConfig } from "../../src/config";
import { evaluateStackRules } from "../../src/invariants/catalogue";
import {
  serviceDatabaseUrlHasNoQuery,
  serviceEnvironmentMatchesStack,
  webServicesLeavePortToRailway,
} from "../../src/invariants/railway-rules";
import { runProgramOffline } from "../../src/offline/mock-runtime";
import { appServiceSpecs } from "../../src/services";
import { appDatabaseWiring, backendSpec } from "../../src/services/backend";
import type { AppServiceContext } from "../../src/services/context";
import { committedConfig, parseFixture } from "../../test-support/config-fixtures";

const DATABASE_URL = "postgresql+asyncpg://app:pw@ep-x.us-east-1.aws.neon.tech/neondb";

/** A fifth service as a maintainer would add it: the backend's repo and image, another start command, the backend's database wiring. */
function workerSpec(
  app: AppServiceContext,
  edit: (spec: ServiceSpec) => ServiceSpec = (spec) => spec,
): ServiceSpec {
  const backend = backendSpec(app);
  return edit({
    ...backend,
    role: "worker",
    componentType: "client-fulfillment:railway:WorkerService",
    traits: ["app-database"],
    publicDomain: undefined,
    deploy: { ...backend.deploy, healthcheckPath: undefined, startCommand: "python -m app.worker" },
    wired: appDatabaseWiring(app),
    extraVariables: {},
    redeployOn: undefined,
  });
}

/** Production's app on the mock runtime with the worker added after the other services. */
async function railwayRulesWithWorker(
  edit?: (spec: ServiceSpec) => ServiceSpec,
  context: Partial<AppServiceContext> = {},
) {
  const config = parseFixture(committedConfig("production")) as ProductionConfig;
  const serviceNames = {
    redis: "Redis",
    crawl4ai: "crawl4ai",
    backend: "backend",
    frontend: "frontend",
    worker: "worker",
  };
  const run = await runProgramOffline({
    stack: "production",
    config: {},
    program: () => {
      const app: AppServiceContext = {
        environment: "production",
        settings: config.railway,
        nameOf: (role) => pulumi.output(serviceNames[role]),
        databaseUrl: DATABASE_URL,
      };
      new RailwayApp("app", {
        projectId: "project-1",
        environmentId: "environment-1",
        services: [...appServiceSpecs(app), workerSpec({ ...app, ...context }, edit)],
        serviceNames,
        secretVariables: {},
      });
      return {};
    },
  });
  const results = evaluateStackRules({
    stack: "production",
    resources: run.resources,
    outputs: {},
    expected: { appUrlScheme: "postgresql+asyncpg" },
  });
  return { run, byRule: Object.fromEntries(results.map((result) => [result.rule, result])) };
}

describe("a worker service added as one spec", () => {
  it("is declared like the others, after the frontend, with the backend's source and its own start command", async () => {
    const { run } = await railwayRulesWithWorker();
    const config = run.resources.find((resource) => resource.name === "app-worker-config");
    expect(config?.parent).toBe("app-worker");
    expect(config?.dependsOn).toEqual(["app-frontend-config"]);
    expect(config?.inputs).toMatchObject({
      role: "worker",
      serviceName: "worker",
      source: { repo: "client-fulfillment/client-fulfillment-v2", branch: "main" },
      deploy: { startCommand: "python -m app.worker" },
      variables: { ENVIRONMENT: "production" },
      secretVariables: { DATABASE_URL },
    });
    expect(run.resources.some((resource) => resource.name === "app-worker-domain")).toBe(false);
  });

  it("is checked by the database and ENVIRONMENT rules, and not by the web rule", async () => {
    const { byRule } = await railwayRulesWithWorker();
    expect(byRule[serviceDatabaseUrlHasNoQuery.id]).toMatchObject({
      status: "pass",
      message: expect.stringContaining('"worker"'),
    });
    expect(byRule[serviceEnvironmentMatchesStack.id]?.status).toBe("pass");
    expect(byRule[webServicesLeavePortToRailway.id]).toMatchObject({
      status: "pass",
      message: expect.not.stringContaining("worker"),
    });
  });

  it("fails the database rule when its DATABASE_URL carries sslmode, naming the worker", async () => {
    const { byRule } = await railwayRulesWithWorker(undefined, {
      databaseUrl: `${DATABASE_URL}?sslmode=require`,
    });
    expect(byRule[serviceDatabaseUrlHasNoQuery.id]).toMatchObject({
      status: "fail",
      message: expect.stringContaining('Service "worker"'),
    });
    expect(byRule[serviceDatabaseUrlHasNoQuery.id]?.message).not.toContain('Service "backend"');
  });

  it("fails the ENVIRONMENT rule when it has none, or says development", async () => {
    const without = await railwayRulesWithWorker((spec) => ({
      ...spec,
      wired: { plain: {}, secret: spec.wired.secret },
    }));
    expect(without.byRule[serviceEnvironmentMatchesStack.id]).toMatchObject({
      status: "fail",
      message: expect.stringContaining('Service "worker" has no ENVIRONMENT'),
    });
    const development = await railwayRulesWithWorker((spec) => ({
      ...spec,
      extraVariables: { ENVIRONMENT: "development" },
    }));
    expect(development.byRule[serviceEnvironmentMatchesStack.id]).toMatchObject({
      status: "fail",
      message: expect.stringContaining('Service "worker"'),
    });
  });
});
