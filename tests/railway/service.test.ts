import { afterEach, beforeEach, expect, it } from "vitest";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { ServiceProvider, type ServiceInputs } from "../../src/railway/service";
import { ServiceConfigProvider } from "../../src/railway/service-config";
import { VolumeProvider } from "../../src/railway/volume";
import {
  createdOk,
  describeWithRailwaySchema,
  seedProject,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

let harness: Harness;
let provider: ServiceProvider;
let ids: { projectId: string; environmentId: string };

const inputs = (overrides: Partial<ServiceInputs> = {}): ServiceInputs => ({
  projectId: ids.projectId,
  name: "redis",
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});
const liveServices = () => [...harness.sim.state.services.values()].filter((svc) => !svc.deletedAt);

describeWithRailwaySchema("Service", () => {
  beforeEach(async () => {
    harness = await startHarness();
    provider = await harness.provider((tuning) => new ServiceProvider(tuning));
    ids = await seedProject(harness);
    harness.sim.resetStats();
  });
  afterEach(() => harness.close());

  it("creates an empty service (no source, no environment, no variables), so nothing deploys", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs).toMatchObject({ serviceId: created.id, adopted: false });
    expect(harness.sim.stats.deploys).toBe(0);
    expect(harness.sim.state.findServiceInstance(ids.environmentId, created.id)?.source).toBeNull();
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);
  });

  it("refuses a rename, sees an outside rename, and is gone for refresh once deleted", async () => {
    const created = await createdOk(provider.create(inputs()));
    const renamed = await provider.check(inputs(), inputs({ name: "cache" }));
    expect(renamed.failures).toEqual([
      { property: "name", reason: expect.stringContaining("would rename it in every environment") },
    ]);
    harness.sim.state.services.get(created.id)!.name = "kv";
    expect((await provider.read(created.id, created.outs)).props?.name).toBe("kv");
    await provider.delete(created.id, created.outs);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await expect(provider.delete(created.id, created.outs)).resolves.toBeUndefined();
  });

  it("adopts a service of the same name, and never deletes what it adopted", async () => {
    const first = await createdOk(provider.create(inputs()));
    harness.sim.resetStats();
    const second = await createdOk(provider.create(inputs()));
    expect(second.outs).toMatchObject({ serviceId: first.id, adopted: true });
    await provider.delete(second.id, second.outs);
    expect(harness.sim.stats.mutations).toBe(0);
    expect(liveServices()).toHaveLength(1);
  });

  it("refuses to delete a service an environment still configures, naming it; deletes once none does", async () => {
    const created = await createdOk(provider.create(inputs()));
    const configs = await harness.provider((tuning) => new ServiceConfigProvider(tuning));
    const config = await createdOk(
      configs.create({
        projectId: ids.projectId,
        environmentId: ids.environmentId,
        serviceId: created.id,
        serviceName: "redis",
        source: { image: "redis:8.2" },
        providerVersion: PROVIDER_VERSION,
      }),
    );
    await expect(provider.delete(created.id, created.outs)).rejects.toThrow(
      'Railway service "redis" is still configured in environment(s) "production"; destroy those stacks first.',
    );
    expect(harness.sim.stats.byField.serviceDelete ?? 0).toBe(0);
    await configs.delete(config.id, config.outs);
    await provider.delete(created.id, created.outs);
    expect(liveServices()).toEqual([]);
  });

  it("fails closed: an error while checking which environments configure it deletes nothing", async () => {
    const created = await createdOk(provider.create(inputs()));
    harness.sim.injectFault({
      field: "environments",
      fault: { kind: "graphqlError", message: "Project not found" },
    });
    await expect(provider.delete(created.id, created.outs)).rejects.toThrow(
      /Railway service "redis" was left alone: reading which environments of project .* still configure it failed .*Project not found.*Nothing was deleted/,
    );
    harness.sim.injectFault({
      field: "environments",
      fault: { kind: "status", status: 500 },
      times: 10,
    });
    await expect(provider.delete(created.id, created.outs)).rejects.toThrow("was left alone");
    expect(harness.sim.stats.byField.serviceDelete ?? 0).toBe(0);
    expect(liveServices()).toHaveLength(1);
  });

  it("counts an environment where only a volume is mounted on the service as configuring it", async () => {
    const created = await createdOk(provider.create(inputs()));
    const volumes = await harness.provider((tuning) => new VolumeProvider(tuning));
    await createdOk(
      volumes.create({
        projectId: ids.projectId,
        environmentId: ids.environmentId,
        serviceId: created.id,
        mountPath: "/data",
        providerVersion: PROVIDER_VERSION,
      }),
    );
    expect(harness.sim.state.findServiceInstance(ids.environmentId, created.id)?.source).toBeNull();
    await expect(provider.delete(created.id, created.outs)).rejects.toThrow(
      'still configured in environment(s) "production"',
    );
    expect(harness.sim.stats.byField.serviceDelete ?? 0).toBe(0);
  });

  it("leaves exactly one service, recorded as its own, when the create's answer is lost", async () => {
    harness.sim.injectFault({ field: "serviceCreate", fault: { kind: "dropAfterExecute" } });
    const created = await createdOk(provider.create(inputs()));
    expect(liveServices().map((svc) => svc.id)).toEqual([created.id]);
    expect(created.outs.adopted).toBe(false);
  });

  it("replaces on a new project only, and requires a name", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ projectId: "prj-2" }))).replaces).toEqual([
      "projectId",
    ]);
    expect(await provider.diff("x", outs, inputs({ name: "cache" }))).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(
      (await provider.check(inputs(), inputs({ name: " " }))).failures?.map((f) => f.property),
    ).toEqual(["name"]);
  });
});
