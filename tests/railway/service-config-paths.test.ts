/**
 * ServiceConfig's create, read, update and delete over a fake client: which requests each path
 * sends (and which it must not), where the simulator cannot stage the case (public TCP proxies,
 * a service never deployed) or a case is about requests alone.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RailwayApiError, type RailwayClient } from "../../src/railway/client";
import type { LiveServiceEntry } from "../../src/railway/environment-config";
import type { Operation } from "../../src/railway/operations";
import {
  ServiceConfigProvider,
  type ServiceConfigInputs,
  type ServiceConfigOutputs,
} from "../../src/railway/service-config";

interface Asked {
  operation: string;
  variables: Record<string, unknown>;
}
type Answers = Record<string, (variables: Record<string, unknown>) => unknown>;

/** The provider with its client replaced by one answering each operation by name. */
class FakeClientConfigs extends ServiceConfigProvider {
  readonly asked: Asked[] = [];

  constructor(private readonly answers: Answers) {
    super({ consistencyDelayMs: 1, pollIntervalMs: 1 });
  }

  protected override client(): RailwayClient {
    const request = async <T>(operation: Operation<T>, variables: Record<string, unknown>) => {
      this.asked.push({ operation: operation.name, variables });
      const answer = this.answers[operation.name];
      if (!answer) throw new Error(`unexpected ${operation.name}`);
      return answer(variables) as T;
    };
    return { request } as unknown as RailwayClient;
  }

  operations(): string[] {
    return this.asked.map((asked) => asked.operation);
  }
}

const inputs = (overrides: Partial<ServiceConfigInputs> = {}): ServiceConfigInputs => ({
  projectId: "prj",
  environmentId: "env-1",
  serviceId: "svc",
  serviceName: "redis",
  source: { image: "redis:8.2.1" },
  variables: { REDIS_PORT: "6379" },
  providerVersion: "test",
  ...overrides,
});
const outputs = (overrides: Partial<ServiceConfigOutputs> = {}): ServiceConfigOutputs => ({
  ...inputs(),
  adopted: false,
  lastDeploymentId: "dep-old",
  ...overrides,
});

/** The live entry of `inputs()`, as Railway reads it back. */
const liveRedis: LiveServiceEntry = {
  source: { image: "redis:8.2.1" },
  variables: { REDIS_PORT: { value: "6379" } },
};

const environmentConfig =
  (services: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  () => ({
    environment: {
      id: "env-1",
      name: "production",
      projectId: "prj",
      createdAt: "2026-12-01T09:00:00Z",
      isEphemeral: false,
      deletedAt: null,
      unmergedChangesCount: 0,
      config: { services },
      ...overrides,
    },
  });
const latest = (deployment: { id: string; status: string } | null) => () => ({
  serviceInstance: { id: "si", latestDeployment: deployment },
});
const deployment =
  (status: string) =>
  ({ id }: Record<string, unknown>) => ({
    deployment: { id, status, createdAt: "2026-12-01T10:00:05Z" },
  });
const committing = {
  EnvironmentStageChanges: () => ({ environmentStageChanges: { id: "patch-1", status: "STAGED" } }),
  EnvironmentCommitStaged: () => ({ environmentPatchCommitStaged: "patch-1" }),
  EnvironmentPatch: ({ id }: Record<string, unknown>) => ({
    environmentPatch: {
      id,
      status: "COMMITTED",
      lastAppliedError: null,
      createdAt: "2026-12-01T10:00:00Z",
    },
  }),
  ServiceDeployments: () => ({
    deployments: {
      edges: [{ node: { id: "dep-new", status: "SUCCESS", createdAt: "2026-12-01T10:00:05Z" } }],
    },
  }),
};

afterEach(() => vi.restoreAllMocks());

describe("ServiceConfig create", () => {
  it("adopts a live instance that already matches, sending nothing, and settles its latest deployment", async () => {
    const configs = new FakeClientConfigs({
      EnvironmentConfig: environmentConfig({ svc: liveRedis }),
      ServiceInstanceDeployment: latest({ id: "dep-7", status: "SUCCESS" }),
    });
    const created = await configs.create(inputs());
    expect(created).toEqual({
      id: "env-1:svc",
      outs: { ...inputs(), adopted: true, lastDeploymentId: "dep-7" },
    });
    expect(configs.operations()).toEqual(["EnvironmentConfig", "ServiceInstanceDeployment"]);
  });

  it("records no deployment for a matching instance that was never deployed", async () => {
    const configs = new FakeClientConfigs({
      EnvironmentConfig: environmentConfig({ svc: liveRedis }),
      ServiceInstanceDeployment: latest(null),
    });
    const created = await configs.create(inputs());
    expect(created.outs?.adopted).toBe(true);
    // No undefined output: the dynamic-provider plugin's Struct would reject it.
    expect(created.outs).not.toHaveProperty("lastDeploymentId");
    expect(
      configs.operations().filter((name) => name === "ServiceInstanceDeployment"),
    ).toHaveLength(8);
  });

  it("removes a private service's live public TCP proxies, and only a private service's", async () => {
    const proxy = (id: string, deletedAt: string | null) => ({
      id,
      domain: `${id}.proxy.rlwy.net`,
      proxyPort: 30000,
      applicationPort: 6379,
      deletedAt,
    });
    const answers = {
      EnvironmentConfig: environmentConfig({ svc: liveRedis }),
      ServiceInstanceDeployment: latest({ id: "dep-7", status: "SUCCESS" }),
      TcpProxies: () => ({
        tcpProxies: [proxy("tcp-live", null), proxy("tcp-gone", "2026-12-01T09:00:00Z")],
      }),
      TcpProxyDelete: () => ({ tcpProxyDelete: true }),
    };
    const privateOne = new FakeClientConfigs(answers);
    await privateOne.create(inputs({ privateNetworkOnly: true }));
    expect(privateOne.asked.filter((asked) => asked.operation.startsWith("TcpProx"))).toEqual([
      { operation: "TcpProxies", variables: { environmentId: "env-1", serviceId: "svc" } },
      { operation: "TcpProxyDelete", variables: { id: "tcp-live" } },
    ]);
    const publicOne = new FakeClientConfigs(answers);
    await publicOne.create(inputs({ privateNetworkOnly: false }));
    expect(publicOne.operations()).not.toContain("TcpProxies");
  });

  it("does not look for proxies on an instance that does not exist yet, and creates it in the patch", async () => {
    const configs = new FakeClientConfigs({
      ...committing,
      EnvironmentConfig: environmentConfig({}, { isEphemeral: true }),
      Deployment: deployment("SUCCESS"),
    });
    const created = await configs.create(inputs({ privateNetworkOnly: true }));
    expect(configs.operations()).not.toContain("TcpProxies");
    expect(
      configs.asked.find((asked) => asked.operation === "EnvironmentStageChanges")?.variables.input,
    ).toEqual({
      services: {
        svc: {
          source: { image: "redis:8.2.1" },
          variables: { REDIS_PORT: { value: "6379" } },
          isCreated: true,
        },
      },
    });
    expect(created.outs).toMatchObject({ adopted: false, lastDeploymentId: "dep-new" });
  });

  it("ends with a warning, through Pulumi's log, when the deployment waits for GitHub's checks", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue();
    const configs = new FakeClientConfigs({
      ...committing,
      EnvironmentConfig: environmentConfig({ svc: { source: { image: "redis:7" } } }),
      ServiceDeployments: () => ({
        deployments: {
          edges: [
            { node: { id: "dep-new", status: "BUILDING", createdAt: "2026-12-01T10:00:05Z" } },
          ],
        },
      }),
      Deployment: deployment("WAITING"),
    });
    const created = await configs.create(inputs());
    expect(created.outs?.lastDeploymentId).toBe("dep-new");
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining("is waiting for the commit's GitHub checks"),
    );
  });
});

describe("ServiceConfig read", () => {
  it("refuses an import, saying to declare it instead", async () => {
    await expect(new FakeClientConfigs({}).read("env-1:svc")).rejects.toThrow(
      'railway:ServiceConfig "env-1:svc" cannot be imported: declare it',
    );
  });

  it.each([
    [
      "its environment is gone",
      {
        EnvironmentConfig: () =>
          Promise.reject(
            new RailwayApiError(
              "EnvironmentConfig",
              200,
              [{ message: "Environment not found" }],
              "Environment not found",
            ),
          ),
      },
    ],
    [
      "its environment is deleted",
      {
        EnvironmentConfig: environmentConfig(
          { svc: liveRedis },
          { deletedAt: "2026-12-01T10:00:00Z" },
        ),
      },
    ],
    ["its instance is gone", { EnvironmentConfig: environmentConfig({ other: liveRedis }) }],
  ])("records the resource as gone when %s", async (_case, answers) => {
    await expect(new FakeClientConfigs(answers).read("env-1:svc", outputs())).resolves.toEqual({
      id: "",
    });
  });

  it("fails on any other error rather than reading it as gone", async () => {
    const configs = new FakeClientConfigs({
      EnvironmentConfig: () =>
        Promise.reject(new RailwayApiError("EnvironmentConfig", 502, [], "server error")),
    });
    await expect(configs.read("env-1:svc", outputs())).rejects.toThrow("server error");
  });

  it("records what Railway holds, keeping adopted and the last deployment", async () => {
    const configs = new FakeClientConfigs({
      EnvironmentConfig: environmentConfig({
        svc: { ...liveRedis, variables: { REDIS_PORT: { value: "6380" } } },
      }),
    });
    const { props } = await configs.read("env-1:svc", outputs({ adopted: true }));
    expect(props).toMatchObject({
      variables: { REDIS_PORT: "6380" },
      adopted: true,
      lastDeploymentId: "dep-old",
    });
  });
});

describe("ServiceConfig update", () => {
  const redeploying = (extra: Answers = {}) => {
    let listed = 0;
    return new FakeClientConfigs({
      EnvironmentConfig: environmentConfig({ svc: liveRedis }),
      ServiceInstanceRedeploy: () => ({ serviceInstanceRedeploy: true }),
      ServiceDeployments: () => ({
        deployments: {
          edges: [
            { node: { id: "dep-old", status: "SUCCESS", createdAt: "2026-12-01T09:00:00Z" } },
            ...(listed++ > 0
              ? [
                  {
                    node: {
                      id: "dep-redeploy",
                      status: "SUCCESS",
                      createdAt: "2026-12-01T10:00:00Z",
                    },
                  },
                ]
              : []),
          ],
        },
      }),
      ServiceInstanceDeployment: latest({ id: "dep-old", status: "SUCCESS" }),
      ...extra,
    });
  };

  it("sends nothing and keeps the last deployment when nothing changed", async () => {
    const configs = redeploying();
    await expect(configs.update("env-1:svc", outputs(), inputs())).resolves.toEqual({
      outs: { ...inputs(), adopted: false, lastDeploymentId: "dep-old" },
    });
    expect(configs.operations()).toEqual(["EnvironmentConfig"]);
  });

  it("redeploys an unchanged config when a secret it references was rotated, and waits for that deployment", async () => {
    const configs = redeploying();
    const { outs } = await configs.update(
      "env-1:svc",
      outputs({ redeployOn: { REDIS_PASSWORD: "" } }),
      inputs({ redeployOn: { REDIS_PASSWORD: "2026-12" } }),
    );
    expect(configs.operations()).toEqual([
      "EnvironmentConfig",
      "ServiceDeployments",
      "ServiceInstanceRedeploy",
      "ServiceDeployments",
    ]);
    expect(configs.asked[2]?.variables).toEqual({ environmentId: "env-1", serviceId: "svc" });
    expect(outs?.lastDeploymentId).toBe("dep-redeploy");
  });

  it("redeploys, rather than settling, when the config changed only in state and a referenced secret was rotated", async () => {
    const configs = redeploying();
    const olds = outputs({ variables: { REDIS_PORT: "6380" }, redeployOn: { REDIS_PASSWORD: "" } });
    const { outs } = await configs.update(
      "env-1:svc",
      olds,
      inputs({ redeployOn: { REDIS_PASSWORD: "2026-12" } }),
    );
    expect(configs.operations()).toContain("ServiceInstanceRedeploy");
    expect(outs?.lastDeploymentId).toBe("dep-redeploy");
  });

  it("settles the latest deployment when the config changed only in state (Railway already holds it)", async () => {
    const configs = redeploying();
    const { outs } = await configs.update(
      "env-1:svc",
      outputs({ variables: { REDIS_PORT: "6380" }, lastDeploymentId: undefined }),
      inputs(),
    );
    expect(configs.operations()).toEqual(["EnvironmentConfig", "ServiceInstanceDeployment"]);
    expect(outs?.lastDeploymentId).toBe("dep-old");
  });

  it("recreates an instance someone removed from the environment", async () => {
    const configs = new FakeClientConfigs({
      ...committing,
      EnvironmentConfig: environmentConfig({}),
      Deployment: deployment("SUCCESS"),
    });
    const { outs } = await configs.update("env-1:svc", outputs(), inputs());
    expect(
      configs.asked.find((asked) => asked.operation === "EnvironmentStageChanges")?.variables.input,
    ).toEqual({
      services: {
        svc: {
          source: { image: "redis:8.2.1" },
          variables: { REDIS_PORT: { value: "6379" } },
          isCreated: true,
        },
      },
    });
    expect(outs?.lastDeploymentId).toBe("dep-new");
  });
});

describe("ServiceConfig delete", () => {
  const removing = (
    services: Record<string, unknown>,
    extra: Answers = {},
    overrides: Record<string, unknown> = {},
  ) =>
    new FakeClientConfigs({
      ...committing,
      EnvironmentConfig: environmentConfig(services, overrides),
      ...extra,
    });

  it("marks the instance deleted in this environment only, without deploying", async () => {
    const configs = removing({ svc: liveRedis });
    await configs.delete("env-1:svc", outputs());
    expect(
      configs.asked.filter(
        (asked) =>
          asked.operation.startsWith("EnvironmentCommit") ||
          asked.operation.startsWith("EnvironmentStage"),
      ),
    ).toEqual([
      {
        operation: "EnvironmentStageChanges",
        variables: { environmentId: "env-1", input: { services: { svc: { isDeleted: true } } } },
      },
      {
        operation: "EnvironmentCommitStaged",
        variables: {
          environmentId: "env-1",
          commitMessage: "pulumi: remove redis from production",
          skipDeploys: true,
        },
      },
    ]);
    expect(configs.operations().at(-1)).toBe("EnvironmentPatch");
  });

  it.each([
    ["an adopted instance", {}, {}, { adopted: true }, []],
    ["an instance already gone", { other: liveRedis }, {}, {}, ["EnvironmentConfig"]],
    [
      "an environment already deleted",
      { svc: liveRedis },
      { deletedAt: "2026-12-01T10:00:00Z" },
      {},
      ["EnvironmentConfig"],
    ],
  ])("leaves %s alone", async (_case, services, environment, props, operations) => {
    const configs = removing(services, {}, environment);
    await configs.delete("env-1:svc", outputs(props));
    expect(configs.operations()).toEqual(operations);
  });

  it("refuses, before removing anything, while another environment configures a service this stack declares", async () => {
    const elsewhere = (config: Record<string, unknown>) => ({
      ProjectEnvironmentConfigs: () => ({
        environments: {
          edges: [
            { node: { id: "env-1", name: "production", config: { services: { svc: liveRedis } } } },
            { node: { id: "env-2", name: "staging", config } },
          ],
        },
      }),
    });
    const refusing = removing({ svc: liveRedis }, elsewhere({ services: { svc: liveRedis } }));
    await expect(refusing.delete("env-1:svc", outputs({ ownsService: true }))).rejects.toThrow(
      'Railway service "redis" is still configured in environment(s) "staging", and this stack declares the service',
    );
    expect(refusing.operations()).toEqual(["EnvironmentConfig", "ProjectEnvironmentConfigs"]);

    const alone = removing({ svc: liveRedis }, elsewhere({ services: {} }));
    await alone.delete("env-1:svc", outputs({ ownsService: true }));
    expect(alone.operations()).toContain("EnvironmentCommitStaged");
  });
});
