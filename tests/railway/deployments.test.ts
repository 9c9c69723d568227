/**
 * Waiting for what a commit started: pure tests of the waiting logic against a fake client,
 * then ServiceConfig against the simulator (patch errors, branch triggers, hand-off statuses,
 * builds that take simulated time).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Operation } from "../../src/railway/operations";
import {
  awaitDeploymentSince,
  awaitPatchApplied,
  newestDeploymentAt,
  pollDelayMs,
  requireBranchTrigger,
  settleLatest,
  verdict,
  type DeployWait,
  type RailwayReader,
} from "../../src/railway/deployments";
import { EnvironmentProvider } from "../../src/railway/environment";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { ServiceProvider } from "../../src/railway/service";
import { ServiceConfigProvider, type ServiceConfigInputs } from "../../src/railway/service-config";
import {
  createdOk,
  describeWithRailwaySchema,
  seedProject,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

type Answers = Record<string, (variables: Record<string, unknown>) => unknown>;

/** A client answering each operation by name, recording what was asked. */
function fakeClient(answers: Answers): RailwayReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    request: async <T>(operation: Operation<T>, variables: Record<string, unknown>) => {
      asked.push(operation.name);
      const answer = answers[operation.name];
      if (!answer) throw new Error(`unexpected ${operation.name}`);
      return answer(variables) as T;
    },
  };
}

function waitFor(
  overrides: Partial<DeployWait> = {},
): DeployWait & { pauses: number[]; warnings: string[] } {
  const pauses: number[] = [];
  const warnings: string[] = [];
  return {
    projectId: "prj",
    environmentId: "env",
    environmentName: "production",
    serviceId: "svc",
    serviceName: "backend",
    timeoutSeconds: 60,
    consistencyDelayMs: 1,
    cron: false,
    pause: async (ms) => void pauses.push(ms),
    warn: (message) => void warnings.push(message),
    pauses,
    warnings,
    ...overrides,
  };
}

/** Answers `deployment(id)` with the given statuses in turn (the last one repeats). */
function statuses(...sequence: string[]) {
  let read = 0;
  return ({ id }: Record<string, unknown>) => ({
    deployment: {
      id,
      status: sequence[Math.min(read++, sequence.length - 1)],
      createdAt: "2026-12-01T10:00:05Z",
    },
  });
}

const listing =
  (...nodes: { id: string; status: string; createdAt: string }[]) =>
  () => ({ deployments: { edges: nodes.map((node) => ({ node })) } });

describe("deploy waiting (pure)", () => {
  it("backs off from 2 s, doubling, to at most 15 s", () => {
    expect([0, 1, 2, 3, 4, 9].map(pollDelayMs)).toEqual([
      2_000, 4_000, 8_000, 15_000, 15_000, 15_000,
    ]);
  });

  it("waits for the oldest deployment created after the stage, never one that predates it", async () => {
    const client = fakeClient({
      ServiceDeployments: listing(
        { id: "dep-push", status: "BUILDING", createdAt: "2026-12-01T10:00:09Z" },
        { id: "dep-ours", status: "BUILDING", createdAt: "2026-12-01T10:00:05Z" },
        { id: "dep-human", status: "SUCCESS", createdAt: "2026-12-01T09:59:59Z" },
      ),
      Deployment: statuses("BUILDING", "DEPLOYING", "SUCCESS"),
    });
    const wait = waitFor();
    await expect(awaitDeploymentSince(client, wait, "2026-12-01T10:00:00Z")).resolves.toEqual({
      id: "dep-ours",
      status: "SUCCESS",
    });
    expect(wait.pauses).toEqual([2_000, 4_000, 8_000]);
  });

  it("keeps listing until the commit's deployment shows, and times out naming it was never started", async () => {
    const client = fakeClient({
      ServiceDeployments: listing({
        id: "dep-old",
        status: "SUCCESS",
        createdAt: "2026-12-01T09:00:00Z",
      }),
    });
    expect(
      await messageOf(
        awaitDeploymentSince(client, waitFor({ timeoutSeconds: 0 }), "2026-12-01T10:00:00Z"),
      ),
    ).toContain(
      'Railway deployment (not started yet) of service "backend" in environment "production" did not finish within 0 s',
    );
  });

  it("fails on NEEDS_APPROVAL and SKIPPED, and ends with a warning on WAITING", () => {
    const wait = waitFor();
    expect(() => verdict(wait, { id: "d1", status: "NEEDS_APPROVAL" })).toThrow(
      'Railway deployment d1 of service "backend" in environment "production" is awaiting approval: approve it in the Railway dashboard',
    );
    expect(() => verdict(wait, { id: "d2", status: "SKIPPED" })).toThrow(
      "was skipped by Railway (its GitHub check suites failed",
    );
    expect(verdict(wait, { id: "d3", status: "WAITING" })).toEqual({ id: "d3", status: "WAITING" });
    expect(wait.warnings).toEqual([
      expect.stringContaining(
        'd3 of service "backend" in environment "production" is waiting for the commit\'s GitHub checks',
      ),
    ]);
  });

  it("judges a service's deployment by its outcome, and a cron service's by its build only", () => {
    const service = waitFor();
    expect(verdict(service, { id: "d", status: "DEPLOYING" })).toBeUndefined();
    expect(() => verdict(service, { id: "d", status: "CRASHED" })).toThrow("ended CRASHED");
    const cron = waitFor({ cron: true });
    for (const status of ["INITIALIZING", "QUEUED", "BUILDING"])
      expect(verdict(cron, { id: "d", status })).toBeUndefined();
    for (const status of ["DEPLOYING", "SUCCESS", "CRASHED", "REMOVED"])
      expect(verdict(cron, { id: "d", status })).toEqual({ id: "d", status });
    expect(() => verdict(cron, { id: "d", status: "FAILED" })).toThrow("ended FAILED");
  });

  it("follows the patch to COMMITTED and starts the deployment wait at its stage time", async () => {
    let read = 0;
    const client = fakeClient({
      EnvironmentPatch: ({ id }) => ({
        environmentPatch: {
          id,
          status: read++ === 0 ? "APPLYING" : "COMMITTED",
          lastAppliedError: null,
          createdAt: "2026-12-01T10:00:00Z",
        },
      }),
    });
    await expect(awaitPatchApplied(client, "patch-1", waitFor())).resolves.toEqual({
      stagedAt: "2026-12-01T10:00:00Z",
    });
    expect(client.asked).toEqual(["EnvironmentPatch", "EnvironmentPatch"]);
  });

  it("fails with Railway's lastAppliedError, naming the service and environment", async () => {
    const client = fakeClient({
      EnvironmentPatch: ({ id }) => ({
        environmentPatch: {
          id,
          status: "STAGED",
          lastAppliedError: "GitHub repo acme/app not accessible",
          createdAt: "2026-12-01T10:00:00Z",
        },
      }),
    });
    await expect(awaitPatchApplied(client, "patch-1", waitFor())).rejects.toThrow(
      'Railway could not apply the change to service "backend" in environment "production" (patch patch-1, STAGED): GitHub repo acme/app not accessible.',
    );
  });

  it("requires a branch trigger for the declared repository and branch, naming the GitHub app", async () => {
    const triggers = (...nodes: { repository: string; branch: string }[]) =>
      fakeClient({
        DeploymentTriggers: () => ({
          deploymentTriggers: {
            edges: nodes.map((node, i) => ({ node: { id: `t${i}`, provider: "github", ...node } })),
          },
        }),
      });
    await expect(
      requireBranchTrigger(
        triggers({ repository: "acme/app", branch: "main" }),
        waitFor(),
        "acme/app",
        "main",
      ),
    ).resolves.toBeUndefined();
    await expect(requireBranchTrigger(triggers(), waitFor(), "acme/app", "main")).rejects.toThrow(
      /no branch trigger for acme\/app@main on service "backend" in environment "production" \(found: none\).*Railway's GitHub app/,
    );
    await expect(
      requireBranchTrigger(
        triggers({ repository: "acme/app", branch: "staging" }),
        waitFor(),
        "acme/app",
        "main",
      ),
    ).rejects.toThrow("found: acme/app@staging");
    await expect(
      requireBranchTrigger(
        triggers({ repository: "acme/fork", branch: "main" }),
        waitFor(),
        "acme/app",
        "main",
      ),
    ).rejects.toThrow("found: acme/fork@main");
  });
});

describe("deploy waiting, edge cases (pure)", () => {
  it("starts a redeploy's wait just after the newest deployment, or at the epoch when there is none", async () => {
    const some = fakeClient({
      ServiceDeployments: listing(
        { id: "d1", status: "SUCCESS", createdAt: "2026-12-01T09:00:00.000Z" },
        { id: "d2", status: "REMOVED", createdAt: "2026-12-01T10:00:00.000Z" },
        { id: "d0", status: "REMOVED", createdAt: "2026-12-01T08:00:00.000Z" },
      ),
    });
    await expect(newestDeploymentAt(some, waitFor())).resolves.toBe("2026-12-01T10:00:00.001Z");
    const asked: Record<string, unknown>[] = [];
    await newestDeploymentAt(
      fakeClient({ ServiceDeployments: (variables) => (asked.push(variables), listing()()) }),
      waitFor(),
    );
    expect(asked).toEqual([{ projectId: "prj", environmentId: "env", serviceId: "svc" }]);
    await expect(
      newestDeploymentAt(fakeClient({ ServiceDeployments: listing() }), waitFor()),
    ).resolves.toBe("1970-01-01T00:00:00.001Z");
  });

  it("takes a deployment created at the very instant of the stage as the commit's", async () => {
    const client = fakeClient({
      ServiceDeployments: listing({
        id: "dep-ours",
        status: "SUCCESS",
        createdAt: "2026-12-01T10:00:00Z",
      }),
    });
    await expect(awaitDeploymentSince(client, waitFor(), "2026-12-01T10:00:00Z")).resolves.toEqual({
      id: "dep-ours",
      status: "SUCCESS",
    });
  });

  it("polls at a fixed interval when one is set", async () => {
    const client = fakeClient({
      ServiceDeployments: listing({
        id: "d",
        status: "BUILDING",
        createdAt: "2026-12-01T10:00:05Z",
      }),
      Deployment: statuses("BUILDING", "DEPLOYING", "SUCCESS"),
    });
    const wait = waitFor({ pollIntervalMs: 5 });
    await awaitDeploymentSince(client, wait, "2026-12-01T10:00:00Z");
    expect(wait.pauses).toEqual([5, 5, 5]);
  });

  it("times out on a deployment that never ends, naming it and its last status", async () => {
    const client = fakeClient({ Deployment: statuses("DEPLOYING") });
    const wait = waitFor({ timeoutSeconds: 0 });
    expect(
      await messageOf(settleLatestOf(client, wait, { id: "dep-9", status: "DEPLOYING" })),
    ).toContain(
      'Railway deployment dep-9 (last status DEPLOYING) of service "backend" in environment "production" did not finish within 0 s. ' +
        "It may still finish: check the Railway dashboard. To wait longer, set deployTimeoutSeconds on this ServiceConfig or `pulumi config set railway:deployTimeoutSeconds <seconds>`",
    );
  });

  it("times out on a patch Railway never applies, naming its last status", async () => {
    const client = fakeClient({
      EnvironmentPatch: ({ id }) => ({
        environmentPatch: {
          id,
          status: "APPLYING",
          lastAppliedError: null,
          createdAt: "2026-12-01T10:00:00Z",
        },
      }),
    });
    expect(
      await messageOf(awaitPatchApplied(client, "patch-1", waitFor({ timeoutSeconds: 0 }))),
    ).toContain("Railway patch patch-1 (last status APPLYING) of service");
  });

  it("ends well on SUCCESS and SLEEPING, badly on FAILED, CRASHED and REMOVED", () => {
    const wait = waitFor();
    for (const status of ["SUCCESS", "SLEEPING"])
      expect(verdict(wait, { id: "d", status })).toEqual({ id: "d", status });
    for (const status of ["FAILED", "CRASHED", "REMOVED"])
      expect(() => verdict(wait, { id: "d", status })).toThrow(
        `Railway deployment d of service "backend" in environment "production" ended ${status}.`,
      );
    for (const status of ["INITIALIZING", "QUEUED", "BUILDING", "DEPLOYING"])
      expect(verdict(wait, { id: "d", status })).toBeUndefined();
    expect(() => verdict(wait, { id: "d", status: "NEEDS_APPROVAL" })).toThrow(
      "What this program committed is not running",
    );
    expect(() => verdict(waitFor({ cron: true }), { id: "d", status: "SKIPPED" })).toThrow(
      "was skipped by Railway",
    );
    expect(wait.warnings).toEqual([]);
  });

  it("settles the latest deployment, and believes there is none only after eight reads", async () => {
    const none = fakeClient({
      ServiceInstanceDeployment: () => ({ serviceInstance: { id: "si", latestDeployment: null } }),
    });
    const wait = waitFor({ consistencyDelayMs: 3 });
    await expect(settleLatest(none, wait)).resolves.toBeUndefined();
    expect(none.asked).toEqual(Array(8).fill("ServiceInstanceDeployment"));
    expect(wait.pauses).toEqual(Array(7).fill(3));

    let reads = 0;
    const showsLate = fakeClient({
      ServiceInstanceDeployment: () => ({
        serviceInstance: {
          id: "si",
          latestDeployment: reads++ < 2 ? null : { id: "dep-1", status: "DEPLOYING" },
        },
      }),
      Deployment: statuses("SUCCESS"),
    });
    await expect(settleLatest(showsLate, waitFor())).resolves.toEqual({
      id: "dep-1",
      status: "SUCCESS",
    });
    expect(showsLate.asked).toEqual([
      "ServiceInstanceDeployment",
      "ServiceInstanceDeployment",
      "ServiceInstanceDeployment",
      "Deployment",
    ]);
  });
});

/**
 * The message of the Error `promise` rejects with. Not `rejects.toThrow(text)`: vitest passes
 * that when the rejection is `undefined`, so a failure built wrongly would go unseen.
 */
async function messageOf(promise: Promise<unknown>): Promise<string> {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  return (failure as Error).message;
}

/** settleLatest on a service whose latest deployment is `latest`. */
function settleLatestOf(
  client: RailwayReader,
  wait: DeployWait,
  latest: { id: string; status: string },
) {
  const withInstance: RailwayReader = {
    request: async (operation, variables) =>
      operation.name === "ServiceInstanceDeployment"
        ? ({ serviceInstance: { id: "si", latestDeployment: latest } } as never)
        : client.request(operation, variables),
  };
  return settleLatest(withInstance, wait);
}

describeWithRailwaySchema("ServiceConfig waits for its own deployment (simulator)", () => {
  let harness: Harness;
  let configs: ServiceConfigProvider;
  let inputs: (overrides?: Partial<ServiceConfigInputs>) => ServiceConfigInputs;

  beforeEach(async () => {
    harness = await startHarness();
    configs = await harness.provider((tuning) => new ServiceConfigProvider(tuning));
    const project = await seedProject(harness);
    const service = await createdOk(
      (await harness.provider((tuning) => new ServiceProvider(tuning))).create({
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
    inputs = (overrides = {}) => ({
      projectId: project.projectId,
      environmentId: staging.id,
      serviceId: service.id,
      serviceName: "backend",
      source: { repo: "acme/app", branch: "staging" },
      providerVersion: PROVIDER_VERSION,
      ...overrides,
    });
  });
  afterEach(() => harness.close());

  it("fails with the patch's error when Railway's GitHub app cannot read the repository, deploying nothing", async () => {
    harness.sim.state.reposWithoutAppAccess.add("acme/app");
    await expect(configs.create(inputs())).rejects.toThrow(
      /Railway could not apply the change to service "backend" in environment "staging" .*Repository acme\/app not found or Railway's GitHub app has no access/,
    );
    expect(harness.sim.stats.deploys).toBe(0);
  });

  it("fails, naming the GitHub app, when no branch trigger exists after the commit", async () => {
    harness.sim.state.reposWithoutBranchTrigger.add("acme/app");
    await expect(configs.create(inputs())).rejects.toThrow(
      'Railway has no branch trigger for acme/app@staging on service "backend" in environment "staging"',
    );
  });

  it("ends on NEEDS_APPROVAL with a clear error instead of hanging", async () => {
    harness.sim.state.deployOutcomes.set(inputs().serviceId, "NEEDS_APPROVAL");
    await expect(configs.create(inputs())).rejects.toThrow("is awaiting approval");
  });

  it("counts about ten status reads for a build of 90 simulated seconds, without sleeping", async () => {
    harness.sim.state.deploySimulatedSeconds = 90;
    const started = Date.now();
    harness.sim.resetStats();
    const created = await createdOk(configs.create(inputs()));
    expect(harness.sim.state.deployments.get(String(created.outs.lastDeploymentId))?.status).toBe(
      "SUCCESS",
    );
    const reads =
      (harness.sim.stats.byField.deployments ?? 0) + (harness.sim.stats.byField.deployment ?? 0);
    expect(reads).toBeGreaterThanOrEqual(9);
    expect(reads).toBeLessThanOrEqual(12);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("waits only for a cron service's build", async () => {
    harness.sim.state.deploySimulatedSeconds = 90;
    harness.sim.state.deployOutcomes.set(inputs().serviceId, "CRASHED");
    const created = await createdOk(
      configs.create(
        inputs({ source: { image: "postgres:17" }, deploy: { cronSchedule: "0 3 * * *" } }),
      ),
    );
    expect(harness.sim.state.deployments.get(String(created.outs.lastDeploymentId))?.status).toBe(
      "DEPLOYING",
    );
  });
});
