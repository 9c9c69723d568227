import { afterEach, beforeEach, expect, it } from "vitest";
import { EnvironmentProvider } from "../../src/railway/environment";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { ServiceProvider } from "../../src/railway/service";
import {
  ServiceConfigProvider,
  type ServiceConfigInputs,
  type ServiceConfigOutputs,
} from "../../src/railway/service-config";
import { VolumeProvider } from "../../src/railway/volume";
import {
  createdOk,
  describeWithRailwaySchema,
  seedProject,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

let harness: Harness;
let configs: ServiceConfigProvider;
let ids: { projectId: string; productionId: string; stagingId: string; serviceId: string };

/** A project, an empty service "backend", then an environment "staging" created (empty) after it. */
async function seed(): Promise<void> {
  const project = await seedProject(harness);
  const services = await harness.provider((tuning) => new ServiceProvider(tuning));
  const service = await createdOk(
    services.create({
      projectId: project.projectId,
      name: "backend",
      providerVersion: PROVIDER_VERSION,
    }),
  );
  const environments = await harness.provider((tuning) => new EnvironmentProvider(tuning));
  const staging = await createdOk(
    environments.create({
      projectId: project.projectId,
      name: "staging",
      providerVersion: PROVIDER_VERSION,
    }),
  );
  ids = {
    projectId: project.projectId,
    productionId: project.environmentId,
    stagingId: staging.id,
    serviceId: service.id,
  };
}

const inputs = (overrides: Partial<ServiceConfigInputs> = {}): ServiceConfigInputs => ({
  projectId: ids.projectId,
  environmentId: ids.stagingId,
  serviceId: ids.serviceId,
  serviceName: "backend",
  role: "backend",
  source: { repo: "acme/app", branch: "staging", rootDirectory: "backend" },
  deploy: {
    startCommand: "uvicorn app:app",
    healthcheckPath: "/health",
    restartPolicyType: "ON_FAILURE",
    restartPolicyMaxRetries: 10,
  },
  limits: { memoryGB: 2 },
  variables: { ENVIRONMENT: "staging", REDIS_URL: "${{redis.REDIS_URL}}" },
  secretVariables: { DATABASE_URL: "postgresql+asyncpg://u:p@h/db" },
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});

const deployments = () => [...harness.sim.state.deployments.values()];
const liveVariables = (environmentId: string) =>
  harness.sim.state.getVariables(environmentId, ids.serviceId);
const instance = (environmentId: string) =>
  harness.sim.state.findServiceInstance(environmentId, ids.serviceId);

async function volumeIn(environmentId: string) {
  const volumes = await harness.provider((tuning) => new VolumeProvider(tuning));
  return createdOk(
    volumes.create({
      projectId: ids.projectId,
      environmentId,
      serviceId: ids.serviceId,
      mountPath: "/data",
      providerVersion: PROVIDER_VERSION,
    }),
  );
}

describeWithRailwaySchema("ServiceConfig", () => {
  beforeEach(async () => {
    harness = await startHarness();
    configs = await harness.provider((tuning) => new ServiceConfigProvider(tuning));
    await seed();
  });
  afterEach(() => harness.close());

  it("deploys a new service in a new environment exactly once, and that first deploy has the full config", async () => {
    const volume = await volumeIn(ids.stagingId);
    expect(harness.sim.stats.deploys).toBe(0);
    const created = await createdOk(
      configs.create(inputs({ volumeMounts: { [volume.id]: "/data" } })),
    );

    expect(deployments()).toHaveLength(1);
    const [first] = deployments();
    expect(first).toMatchObject({
      environmentId: ids.stagingId,
      serviceId: ids.serviceId,
      status: "SUCCESS",
    });
    expect(first?.config.source).toEqual({
      image: null,
      repo: "acme/app",
      branch: "staging",
      rootDirectory: "backend",
    });
    expect(first?.config.deploy).toMatchObject({
      startCommand: "uvicorn app:app",
      healthcheckPath: "/health",
      limitOverride: { containers: { memoryBytes: 2_000_000_000 } },
    });
    expect(first?.config.variables).toEqual({
      ENVIRONMENT: "staging",
      REDIS_URL: "${{redis.REDIS_URL}}",
      DATABASE_URL: "postgresql+asyncpg://u:p@h/db",
    });
    expect(first?.config.volumeMounts).toEqual({ [volume.id]: "/data" });
    expect(created.outs).toMatchObject({ adopted: false, lastDeploymentId: first?.id });
    // The volume gave the service an empty instance (nothing to deploy); the config then went in one deploying commit.
    expect(
      harness.sim.staged.committed.map(({ patch, skipDeploys }) => ({ patch, skipDeploys })),
    ).toEqual([
      { patch: { services: { [ids.serviceId]: { isCreated: true } } }, skipDeploys: false },
      {
        patch: {
          services: {
            [ids.serviceId]: expect.objectContaining({
              source: expect.objectContaining({ branch: "staging" }),
            }),
          },
        },
        skipDeploys: false,
      },
    ]);
  });

  it("adds the service to an environment created after it with isCreated, without waiting for an instance that never comes", async () => {
    harness.sim.resetStats();
    await configs.create(inputs());
    expect(harness.sim.stats.byField.environment).toBe(1);
    expect(harness.sim.staged.committed).toMatchObject([
      {
        environmentId: ids.stagingId,
        patch: { services: { [ids.serviceId]: { isCreated: true } } },
      },
    ]);
    expect(deployments()).toHaveLength(1);
  });

  it("renders a reference to a service that does not exist as an empty string, as Railway does", async () => {
    await configs.create(inputs());
    expect(deployments()[0]?.config.renderedVariables.REDIS_URL).toBe("");
  });

  it("configures a just-created service in production with one patch and one deploy, waiting for its instance", async () => {
    const services = await harness.provider((tuning) => new ServiceProvider(tuning));
    const fresh = await createdOk(
      services.create({
        projectId: ids.projectId,
        name: "worker",
        providerVersion: PROVIDER_VERSION,
      }),
    );
    harness.sim.resetStats();
    const created = await createdOk(
      configs.create(
        inputs({
          environmentId: ids.productionId,
          serviceId: fresh.id,
          serviceName: "worker",
          source: { image: "acme/worker:1" },
        }),
      ),
    );
    expect(harness.sim.stats.deploysByService).toEqual({ [fresh.id]: 1 });
    expect(harness.sim.stats.byField.environmentStageChanges).toBe(1);
    // Its instance exists (serviceCreate made it), so no isCreated: the provider waited until it showed.
    expect(harness.sim.staged.committed.at(-1)?.patch).toEqual({
      services: { [fresh.id]: expect.not.objectContaining({ isCreated: true }) },
    });
    expect(created.outs).toMatchObject({
      adopted: false,
      lastDeploymentId: deployments().at(-1)?.id,
    });
  });

  it("sends one patch and deploys once for variables, a setting and the branch changed together; removals are removed", async () => {
    const created = await createdOk(configs.create(inputs()));
    harness.sim.state.setVariable(
      ids.projectId,
      ids.stagingId,
      ids.serviceId,
      "SENTRY_DSN",
      "set-by-hand",
    );
    harness.sim.resetStats();
    const changed = inputs({
      source: { repo: "acme/app", branch: "release", rootDirectory: "backend" },
      deploy: {
        startCommand: "gunicorn app:app",
        restartPolicyType: "ON_FAILURE",
        restartPolicyMaxRetries: 10,
      },
      variables: { ENVIRONMENT: "production" },
    });
    const { outs } = await configs.update(created.id, created.outs, changed);

    expect(harness.sim.stats.deploys).toBe(1);
    expect(harness.sim.stats.byField).toMatchObject({
      environmentStageChanges: 1,
      environmentPatchCommitStaged: 1,
    });
    const latest = deployments().at(-1);
    expect(latest?.config.source.branch).toBe("release");
    expect(latest?.config.deploy).toMatchObject({ startCommand: "gunicorn app:app" });
    expect(latest?.config.deploy.healthcheckPath).toBeUndefined();
    expect(liveVariables(ids.stagingId)).toEqual({
      ENVIRONMENT: "production",
      DATABASE_URL: "postgresql+asyncpg://u:p@h/db",
      SENTRY_DSN: "set-by-hand",
    });
    expect(outs?.lastDeploymentId).toBe(latest?.id);
  });

  it("sends no mutation on a refresh or an update that changes nothing, and refresh shows no drift", async () => {
    const volume = await volumeIn(ids.stagingId);
    const created = await createdOk(
      configs.create(inputs({ volumeMounts: { [volume.id]: "/data" } })),
    );
    harness.sim.resetStats();
    const refreshed = await configs.read(created.id, created.outs);
    expect(refreshed.props).toEqual(created.outs);
    await configs.update(
      created.id,
      created.outs,
      inputs({ volumeMounts: { [volume.id]: "/data" } }),
    );
    expect(harness.sim.stats).toMatchObject({ mutations: 0, deploys: 0 });
  });

  it("sees drift in managed keys only", async () => {
    const created = await createdOk(configs.create(inputs()));
    harness.sim.state.setVariable(
      ids.projectId,
      ids.stagingId,
      ids.serviceId,
      "ENVIRONMENT",
      "development",
    );
    harness.sim.state.setVariable(ids.projectId, ids.stagingId, ids.serviceId, "OTHER", "1");
    harness.sim.state.updateServiceInstance(ids.stagingId, ids.serviceId, {
      startCommand: "sleep infinity",
    });
    const refreshed = (await configs.read(created.id, created.outs)).props as ServiceConfigOutputs;
    expect(refreshed.variables).toEqual({
      ENVIRONMENT: "development",
      REDIS_URL: "${{redis.REDIS_URL}}",
    });
    expect(refreshed.deploy?.startCommand).toBe("sleep infinity");
    expect((await configs.diff(created.id, refreshed, inputs())).changes).toBe(true);
  });

  it("never changes production's config or deploys there when staging's config changes", async () => {
    const production = await createdOk(
      configs.create(
        inputs({
          environmentId: ids.productionId,
          source: { repo: "acme/app", branch: "main" },
          variables: { ENVIRONMENT: "production" },
        }),
      ),
    );
    const staging = await createdOk(configs.create(inputs()));
    const productionBefore = JSON.stringify({
      instance: instance(ids.productionId),
      variables: liveVariables(ids.productionId),
    });
    harness.sim.resetStats();
    await configs.update(
      staging.id,
      staging.outs,
      inputs({ source: { repo: "acme/app", branch: "next" }, variables: { ENVIRONMENT: "qa" } }),
    );
    await configs.delete(staging.id, staging.outs);
    expect(
      JSON.stringify({
        instance: instance(ids.productionId),
        variables: liveVariables(ids.productionId),
      }),
    ).toBe(productionBefore);
    expect(deployments().filter((d) => d.environmentId === ids.productionId)).toHaveLength(1);
    expect(production.outs.adopted).toBe(false);
  });

  it("deleting staging's config and volume leaves production's service, volume and data", async () => {
    const productionVolume = await volumeIn(ids.productionId);
    await configs.create(
      inputs({
        environmentId: ids.productionId,
        source: { image: "redis:8.2" },
        variables: { KEEP: "me" },
        volumeMounts: { [productionVolume.id]: "/data" },
      }),
    );
    const stagingVolume = await volumeIn(ids.stagingId);
    const staging = await createdOk(
      configs.create(inputs({ volumeMounts: { [stagingVolume.id]: "/data" } })),
    );
    harness.sim.resetStats();

    await configs.delete(staging.id, staging.outs);
    const volumes = await harness.provider((tuning) => new VolumeProvider(tuning));
    await volumes.delete(stagingVolume.id, stagingVolume.outs);

    expect(harness.sim.stats.deploys).toBe(0);
    expect(harness.sim.stats.byField.serviceDelete ?? 0).toBe(0);
    expect(harness.sim.stats.byField.volumeDelete ?? 0).toBe(0);
    expect(instance(ids.stagingId)?.deletedAt).not.toBeNull();
    expect(instance(ids.productionId)?.deletedAt).toBeNull();
    expect(liveVariables(ids.productionId)).toMatchObject({ KEEP: "me" });
    const liveVolumeInstances = [...harness.sim.state.volumeInstances.values()].filter(
      (vi) => vi.deletedAt === null,
    );
    expect(liveVolumeInstances).toMatchObject([
      { volumeId: productionVolume.id, environmentId: ids.productionId, serviceId: ids.serviceId },
    ]);
    expect(harness.sim.state.services.get(ids.serviceId)?.deletedAt).toBeNull();
  });

  it("adopts an identically configured live instance without sending anything, and never deletes it", async () => {
    const first = await createdOk(configs.create(inputs()));
    harness.sim.resetStats();
    const adopted = await createdOk(configs.create(inputs()));
    expect(adopted.outs).toMatchObject({
      adopted: true,
      lastDeploymentId: first.outs.lastDeploymentId,
    });
    await configs.delete(adopted.id, adopted.outs);
    expect(harness.sim.stats).toMatchObject({ mutations: 0, deploys: 0 });
    expect(instance(ids.stagingId)?.deletedAt).toBeNull();
  });

  it.each(["FAILED", "CRASHED"] as const)(
    "fails naming the service, environment and deployment when the deploy ends %s",
    async (status) => {
      harness.sim.state.deployOutcomes.set(ids.serviceId, status);
      const error = await configs.create(inputs()).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      const deployment = deployments()[0];
      expect(error?.message).toBe(
        `Railway deployment ${deployment?.id} of service "backend" in environment "staging" ended ${status}. ` +
          "Read its build and deploy logs in the Railway dashboard, fix the cause, and run `pulumi up` again.",
      );
    },
  );

  it("a failed deploy fails the next run too, until a deploy succeeds; never a silent pass", async () => {
    const created = await createdOk(configs.create(inputs()));
    harness.sim.state.deployOutcomes.set(ids.serviceId, "FAILED");
    const changed = inputs({ variables: { ENVIRONMENT: "qa" } });
    await expect(configs.update(created.id, created.outs, changed)).rejects.toThrow("ended FAILED");
    harness.sim.resetStats();
    await expect(configs.update(created.id, created.outs, changed)).rejects.toThrow("ended FAILED");
    expect(harness.sim.stats.mutations).toBe(0);
    harness.sim.state.deployOutcomes.delete(ids.serviceId);
    harness.sim.state.deployVisibilityLag = 0;
    const redeployed = harness.sim.state.startDeploy(ids.stagingId, ids.serviceId); // a redeploy from the dashboard
    const { outs } = await configs.update(created.id, created.outs, changed);
    expect(outs?.lastDeploymentId).toBe(redeployed.id);
  });

  it("gives up after the deploy timeout with an error saying how to raise it", async () => {
    harness.sim.state.deployOutcomes.set(ids.serviceId, "STUCK");
    await expect(configs.create(inputs({ deployTimeoutSeconds: 0.05 }))).rejects.toThrow(
      /Railway deployment dep-\d+ \(last status DEPLOYING\) of service "backend" in environment "staging" did not finish within 0.05 s.*deployTimeoutSeconds.*railway:deployTimeoutSeconds/,
    );
  });

  it("takes the timeout from stack config railway:deployTimeoutSeconds", async () => {
    harness.sim.state.deployOutcomes.set(ids.serviceId, "STUCK");
    const configured = await harness.provider((tuning) => new ServiceConfigProvider(tuning), {
      "railway:deployTimeoutSeconds": "0.05",
    });
    await expect(configured.create(inputs())).rejects.toThrow("did not finish within 0.05 s");
  });

  it("refuses, naming the environment, when someone's staged changes would be committed with its own", async () => {
    harness.sim.staged.stage(ids.stagingId, { sharedVariables: { PENDING: { value: "x" } } });
    harness.sim.resetStats();
    await expect(configs.create(inputs())).rejects.toThrow(
      /Railway environment "staging" \(env-\d+\) has 1 staged change\(s\).*Apply or discard them/,
    );
    expect(harness.sim.stats.mutations).toBe(0);
    expect(harness.sim.staged.unmergedChangesCount(ids.stagingId)).toBe(1);
  });

  it("retries a RATE_LIMITED GraphQL error and still deploys once", async () => {
    harness.sim.injectFault({
      field: "environmentStageChanges",
      fault: { kind: "graphqlError", message: "Rate limit exceeded", code: "RATE_LIMITED" },
    });
    harness.sim.injectFault({
      field: "environmentPatchCommitStaged",
      fault: { kind: "graphqlError", message: "Rate limit exceeded", code: "RATE_LIMITED" },
    });
    await configs.create(inputs());
    expect(harness.sim.stats.deploys).toBe(1);
  });

  it("completes, on the next run and without a second deploy, a commit whose answer was lost", async () => {
    harness.sim.injectFault({
      field: "environmentPatchCommitStaged",
      fault: { kind: "dropAfterExecute" },
    });
    await expect(configs.create(inputs())).rejects.toThrow("EnvironmentCommitStaged");
    const retried = await createdOk(configs.create(inputs()));
    expect(harness.sim.stats.deploys).toBe(1);
    expect(retried.outs.lastDeploymentId).toBe(deployments()[0]?.id);
  });

  it("validates its inputs, and replaces only on a new project, environment or service", async () => {
    const { failures } = await configs.check(
      inputs(),
      inputs({
        source: { repo: "acme/app" },
        deploy: {
          restartPolicyType: "SOMETIMES" as never,
          healthcheckPath: "health",
          numReplicas: 0,
        },
        variables: { "1BAD": "x", SAME: "a" },
        secretVariables: { SAME: "b" },
        volumeMounts: { "vol-1": "data" },
      }),
    );
    expect(failures?.map((f) => f.property)).toEqual([
      "source.branch",
      "deploy.restartPolicyType",
      "deploy.healthcheckPath",
      "deploy.numReplicas",
      "variables.1BAD",
      "secretVariables.SAME",
      "volumeMounts.vol-1",
    ]);
    const outs = { ...inputs(), adopted: false };
    expect((await configs.diff("x", outs, inputs({ serviceId: "svc-9" }))).replaces).toEqual([
      "serviceId",
    ]);
    expect(
      await configs.diff("x", outs, inputs({ source: { repo: "acme/app", branch: "next" } })),
    ).toMatchObject({ changes: true, replaces: [] });
    expect((await configs.diff("x", outs, inputs())).changes).toBe(false);
  });
});
