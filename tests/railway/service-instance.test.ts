import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServiceInstanceProvider, type ServiceInstanceInputs } from "../../src/railway/service-instance";
import { createdOk, seedService, startHarness, type Harness } from "../../test-support/railway-harness";

let harness: Harness;
let provider: ServiceInstanceProvider;
let ids: { projectId: string; environmentId: string; serviceId: string };
beforeEach(async () => {
  harness = await startHarness();
  provider = await harness.provider((tuning) => new ServiceInstanceProvider(tuning));
  ids = await seedService(harness, "backend", { repo: "acme/client-fulfillment" });
});
afterEach(() => harness.close());

const inputs = (overrides: Partial<ServiceInstanceInputs> = {}): ServiceInstanceInputs => ({
  serviceId: ids.serviceId,
  environmentId: ids.environmentId,
  rootDirectory: "backend",
  startCommand: "uvicorn app.main:app --host 0.0.0.0 --port $PORT",
  healthcheckPath: "/health",
  healthcheckTimeout: 120,
  numReplicas: 2,
  restartPolicyType: "ON_FAILURE",
  restartPolicyMaxRetries: 10,
  sleepApplication: false,
  redeployOnUpdate: true,
  providerVersion: "1",
  ...overrides,
});

const instance = () => harness.sim.state.findServiceInstance(ids.environmentId, ids.serviceId);

describe("ServiceInstance", () => {
  it("writes the full settings, reads without drift, updates with one redeploy, sees drift, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(instance()).toMatchObject({ rootDirectory: "backend", numReplicas: 2, healthcheckPath: "/health" });
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);

    harness.sim.resetStats();
    await provider.update(created.id, created.outs, inputs({ healthcheckPath: "/ready" }));
    expect(instance()?.healthcheckPath).toBe("/ready");
    // Every field goes with every update, so Railway's reset of an omitted numReplicas cannot bite.
    expect(instance()?.numReplicas).toBe(2);
    expect(harness.sim.stats.deploysByService[ids.serviceId]).toBe(1);

    harness.sim.state.updateServiceInstance(ids.environmentId, ids.serviceId, { numReplicas: 5, startCommand: null });
    const refreshed = await provider.read(created.id, inputs({ healthcheckPath: "/ready" }));
    expect(refreshed.props).toMatchObject({ numReplicas: 5, startCommand: undefined });
    expect((await provider.diff(created.id, refreshed.props!, inputs({ healthcheckPath: "/ready" }))).changes).toBe(true);

    harness.sim.resetStats();
    await provider.delete();
    await provider.delete();
    // Settings go with the service; deleting them must not touch Railway.
    expect(harness.sim.stats.requests).toBe(0);
    expect(instance()).toBeDefined();
  });

  it("waits for an instance Railway has not made visible yet", async () => {
    const key = `${ids.environmentId}:${ids.serviceId}`;
    const record = harness.sim.state.serviceInstances.get(key)!;
    harness.sim.state.serviceInstances.delete(key);
    setTimeout(() => harness.sim.state.serviceInstances.set(key, record), 20);
    await provider.create(inputs());
    expect(instance()?.numReplicas).toBe(2);
    expect(harness.sim.stats.byField.serviceInstance).toBeGreaterThan(1);
  });

  it("sends nothing when the instance already has the declared settings", async () => {
    await provider.create(inputs());
    harness.sim.resetStats();
    await provider.create(inputs());
    expect(harness.sim.stats.mutations).toBe(0);
  });

  it("replaces when moved to another service or environment", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ serviceId: "svc-9" }))).replaces).toEqual(["serviceId"]);
    expect((await provider.diff("x", outs, inputs({ numReplicas: 3 }))).replaces).toEqual([]);
  });

  it("retries a throttled update and ends in the declared state", async () => {
    harness.sim.injectFault({ field: "serviceInstanceUpdate", fault: { kind: "status", status: 429, retryAfterSeconds: 0 } });
    harness.sim.injectFault({ field: "serviceInstanceUpdate", fault: { kind: "status", status: 503 } });
    await provider.create(inputs());
    expect(instance()?.numReplicas).toBe(2);
  });

  it("validates settings", async () => {
    const { failures } = await provider.check(inputs(), inputs({ numReplicas: 0, healthcheckPath: "health", cronSchedule: "hourly" }));
    expect(failures?.map((f) => f.property)).toEqual(["numReplicas", "healthcheckPath", "cronSchedule"]);
  });
});
