import { afterEach, beforeEach, expect, it } from "vitest";
import { EnvironmentProvider } from "../../src/railway/environment";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { VolumeProvider, type VolumeInputs } from "../../src/railway/volume";
import {
  createdOk,
  describeWithRailwaySchema,
  seedService,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

let harness: Harness;
let provider: VolumeProvider;
let ids: { projectId: string; environmentId: string; serviceId: string };

const inputs = (overrides: Partial<VolumeInputs> = {}): VolumeInputs => ({
  ...ids,
  mountPath: "/data",
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});
const liveInstances = () =>
  [...harness.sim.state.volumeInstances.values()].filter((vi) => !vi.deletedAt);

describeWithRailwaySchema("Volume", () => {
  beforeEach(async () => {
    harness = await startHarness();
    provider = await harness.provider((tuning) => new VolumeProvider(tuning));
    ids = await seedService(harness, "redis");
  });
  afterEach(() => harness.close());

  it("creates in its environment, reads without drift, moves its mount, sees drift, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs.adopted).toBe(false);
    expect(liveInstances()).toMatchObject([
      {
        volumeId: created.id,
        environmentId: ids.environmentId,
        serviceId: ids.serviceId,
        mountPath: "/data",
      },
    ]);
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);

    await provider.update(created.id, created.outs, inputs({ mountPath: "/var/lib/redis" }));
    expect(liveInstances()[0]).toMatchObject({
      mountPath: "/var/lib/redis",
      serviceId: ids.serviceId,
    });
    liveInstances()[0]!.mountPath = "/mnt";
    expect((await provider.read(created.id, created.outs)).props?.mountPath).toBe("/mnt");

    await provider.delete(created.id, created.outs);
    expect(liveInstances()).toEqual([]);
    expect(harness.sim.stats.byField.volumeDelete ?? 0).toBe(0);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await expect(provider.delete(created.id, created.outs)).resolves.toBeUndefined();
  });

  it("deletes only its own environment's instance of a volume id other environments share", async () => {
    const created = await createdOk(provider.create(inputs()));
    const environments = await harness.provider((tuning) => new EnvironmentProvider(tuning));
    // A duplicated environment shares the volume id: a Volume has one VolumeInstance per environment (railwayapp/cli src/gql/schema.json).
    const copy = await environments.create({
      projectId: ids.projectId,
      name: "staging",
      providerVersion: PROVIDER_VERSION,
    });
    const shared = { ...liveInstances()[0]!, id: "vi-copy", environmentId: copy.id };
    harness.sim.state.volumeInstances.set(shared.id, shared);
    const neighbour = {
      ...liveInstances()[0]!,
      id: "vi-other",
      volumeId: "vol-other",
      serviceId: "svc-other",
    };
    harness.sim.state.volumeInstances.set(neighbour.id, neighbour);
    await provider.delete(created.id, created.outs);
    expect(liveInstances().map((vi) => [vi.volumeId, vi.environmentId])).toEqual([
      [created.id, copy.id],
      ["vol-other", ids.environmentId],
    ]);
  });

  it("adopts the service's existing volume instead of adding a second, and never deletes it", async () => {
    const first = await createdOk(provider.create(inputs()));
    const second = await createdOk(provider.create(inputs({ mountPath: "/data2" })));
    expect(second).toMatchObject({ id: first.id, outs: { adopted: true } });
    expect(liveInstances()).toHaveLength(1);
    expect(liveInstances()[0]?.mountPath).toBe("/data2");
    await provider.delete(second.id, second.outs);
    expect(liveInstances()).toHaveLength(1);
  });

  it("attaches to a service with no instance yet in an environment created empty, deploying nothing", async () => {
    const environments = await harness.provider((tuning) => new EnvironmentProvider(tuning));
    const staging = await environments.create({
      projectId: ids.projectId,
      name: "staging",
      providerVersion: PROVIDER_VERSION,
    });
    harness.sim.resetStats();
    await provider.create(inputs({ environmentId: staging.id }));
    expect(liveInstances()).toMatchObject([
      { environmentId: staging.id, serviceId: ids.serviceId },
    ]);
    expect(harness.sim.stats.deploys).toBe(0);
  });

  it("leaves one volume when the create's answer is lost, and retries Railway's volume throttle", async () => {
    harness.sim.injectFault({
      field: "volumeCreate",
      fault: {
        kind: "graphqlError",
        message: "Whoa there pal! You are creating volumes too quickly. Try again in a sec",
      },
    });
    harness.sim.injectFault({ field: "volumeCreate", fault: { kind: "dropAfterExecute" } });
    await provider.create(inputs());
    expect(liveInstances()).toHaveLength(1);
  });

  it("replaces when the environment changes, updates when the mount does", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ environmentId: "env-9" }))).replaces).toEqual([
      "environmentId",
    ]);
    expect((await provider.diff("x", outs, inputs({ mountPath: "/other" }))).replaces).toEqual([]);
    expect(
      (await provider.check(inputs(), inputs({ mountPath: "data" }))).failures?.[0]?.property,
    ).toBe("mountPath");
  });
});
