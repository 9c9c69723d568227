import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServiceProvider, type ServiceInputs } from "../../src/railway/service";
import { createdOk, seedProject, startHarness, type Harness } from "../../test-support/railway-harness";

let harness: Harness;
let provider: ServiceProvider;
let ids: { projectId: string; environmentId: string };
beforeEach(async () => {
  harness = await startHarness();
  provider = await harness.provider((tuning) => new ServiceProvider(tuning));
  ids = await seedProject(harness);
});
afterEach(() => harness.close());

const inputs = (overrides: Partial<ServiceInputs> = {}): ServiceInputs => ({
  projectId: ids.projectId,
  environmentId: ids.environmentId,
  name: "redis",
  source: { image: "redis:8.2" },
  providerVersion: "1",
  ...overrides,
});

const liveServices = (harness: Harness) => [...harness.sim.state.services.values()].filter((svc) => !svc.deletedAt);

describe("Service", () => {
  it("creates with its source in one call, reads without drift, updates, sees drift, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(harness.sim.stats.byField.serviceCreate).toBe(1);
    expect(harness.sim.stats.byField.serviceConnect ?? 0).toBe(0);
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);

    const updated = await provider.update(created.id, created.outs, inputs({ name: "cache", source: { image: "redis:8.4" } }));
    expect((await provider.read(created.id, updated.outs)).props).toMatchObject({ name: "cache", source: { image: "redis:8.4" } });

    harness.sim.state.updateServiceInstance(ids.environmentId, created.id, { source: { image: "redis:7", repo: null } });
    expect((await provider.read(created.id, updated.outs)).props?.source).toEqual({ image: "redis:7" });

    await provider.delete(created.id);
    expect((await provider.read(created.id, updated.outs)).id).toBe("");
    await expect(provider.delete(created.id)).resolves.toBeUndefined();
  });

  it("adopts a service of the same name and reconnects it to the declared source", async () => {
    const first = await createdOk(provider.create(inputs({ source: { image: "redis:7" } })));
    const second = await createdOk(provider.create(inputs()));
    expect(second.id).toBe(first.id);
    expect(liveServices(harness)).toHaveLength(1);
    expect((await provider.read(first.id, second.outs)).props?.source).toEqual({ image: "redis:8.2" });
  });

  it("leaves exactly one service when the create's answer is lost (Railway would say 'already exists')", async () => {
    harness.sim.injectFault({ field: "serviceCreate", fault: { kind: "dropAfterExecute" } });
    const created = await createdOk(provider.create(inputs()));
    expect(liveServices(harness).map((svc) => svc.id)).toEqual([created.id]);
  });

  it("replaces on a new project only", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ projectId: "prj-2" }))).replaces).toEqual(["projectId"]);
    expect((await provider.diff("x", outs, inputs({ source: { repo: "acme/app" } }))).replaces).toEqual([]);
  });

  it("requires exactly one source", async () => {
    const { failures } = await provider.check(inputs(), inputs({ source: { image: "x", repo: "a/b" } }));
    expect(failures?.map((f) => f.property)).toEqual(["source"]);
  });
});

describe("Service's first deploy", () => {
  it("happens once, in the declared environment, with its initial variables", async () => {
    const created = await createdOk(provider.create(inputs({ initialVariables: { ENVIRONMENT: "production" } })));
    expect(harness.sim.stats.deploysByService).toEqual({ [created.id]: 1 });
    expect(harness.sim.state.getVariables(ids.environmentId, created.id)).toEqual({ ENVIRONMENT: "production" });
    expect((await provider.diff(created.id, created.outs, inputs({ initialVariables: { ENVIRONMENT: "x" } }))).changes).toBe(false);
  });
});
