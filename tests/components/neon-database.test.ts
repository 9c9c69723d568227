import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { NeonDatabase, type NeonProjectSpec } from "../../src/components/neon-database";
import {
  runProgramOffline,
  type OfflinePlan,
  type OfflineResourceHandler,
} from "../../src/offline/mock-runtime";

const SPEC: NeonProjectSpec = {
  projectName: "client-fulfillment-staging",
  orgId: "org-cold-waterfall-84590723",
  regionId: "aws-us-east-1",
  pgVersion: 17,
  historyRetentionSeconds: 21_600,
  compute: { minCu: 0.25, maxCu: 0.5 },
};

/** The value of an Output, or its rejection. */
function settle<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

async function declare(
  spec: NeonProjectSpec,
  resourceHandler?: OfflineResourceHandler,
): Promise<{ plan: OfflinePlan; database: NeonDatabase }> {
  let database: NeonDatabase | undefined;
  const plan = await runProgramOffline({
    stack: "staging",
    config: {},
    resourceHandler,
    program: () => {
      database = new NeonDatabase("database", { project: spec });
      return {};
    },
  });
  if (!database) throw new Error("the program did not run");
  return { plan, database };
}

const projectOf = (plan: OfflinePlan) =>
  plan.resources.find((resource) => resource.type === "neon:index/project:Project");

describe("NeonDatabase", () => {
  it("creates a project with its own branch, compute limits and PITR, protected", async () => {
    const { plan, database } = await declare(SPEC);
    const project = projectOf(plan);
    expect(project?.inputs).toEqual({
      name: "client-fulfillment-staging",
      orgId: "org-cold-waterfall-84590723",
      regionId: "aws-us-east-1",
      pgVersion: 17,
      historyRetentionSeconds: 21_600,
      defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 0.5 },
      branch: { name: "main", databaseName: "neondb", roleName: "neondb_owner" },
    });
    expect(project).toMatchObject({
      protect: true,
      importId: undefined,
      ignoreChanges: ["branch", "computeProvisioner", "storePassword"],
    });
    expect(await settle(database.appDatabaseUrl)).toBe(
      "postgresql+asyncpg://neondb_owner:computed-password-of-client-fulfillment-staging@ep-computed-client-fulfillment-staging.us-east-1.aws.neon.tech/neondb",
    );
  });

  it("adopts a project without guessing its branch and without inputs the provider never updates", async () => {
    const { plan } = await declare({
      ...SPEC,
      projectName: "client-fulfillment",
      adoptProjectId: "spring-fog-49733273",
    });
    const project = projectOf(plan);
    expect(project?.importId).toBe("spring-fog-49733273");
    expect(project?.inputs).not.toHaveProperty("branch");
    expect(project?.inputs).not.toHaveProperty("computeProvisioner");
    expect(project?.inputs).not.toHaveProperty("storePassword");
    expect(project?.ignoreChanges).toEqual(["branch", "computeProvisioner", "storePassword"]);
  });

  it("fails the deploy, naming the project and the fix, when Neon reports an empty password", async () => {
    const emptyPassword: OfflineResourceHandler = async (request) =>
      request.type === "neon:index/project:Project"
        ? {
            id: "spring-fog-49733273",
            state: {
              ...request.inputs,
              databaseHost: "ep-x.aws.neon.tech",
              databaseName: "neondb",
              databaseUser: "neondb_owner",
              databasePassword: "",
            },
          }
        : undefined;
    const message =
      'Neon project "client-fulfillment-staging" (database-project) reported an empty password, so no connection string can be built. ' +
      "Neon returns no password when the API key cannot read the role's password or the project does not store passwords";
    // The SDK fails the program when it serializes the component's outputs: an unhandled
    // rejection, which is how a real `pulumi up` reports it. Collect those here instead.
    const vitestHandlers = process.listeners("unhandledRejection");
    const failures: unknown[] = [];
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", (reason) => failures.push(reason));
    try {
      const { database } = await declare(SPEC, emptyPassword);
      for (const output of [
        database.password,
        database.appDatabaseUrl,
        database.backupDatabaseUrl,
      ]) {
        await expect(settle(output)).rejects.toThrow(message);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.removeAllListeners("unhandledRejection");
      for (const handler of vitestHandlers) process.on("unhandledRejection", handler);
    }
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(String((failure as Error).message)).toContain(message);
  });
});
