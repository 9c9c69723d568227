import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VolumeProvider, type VolumeInputs } from "../../src/railway/volume";
import { createdOk, seedService, startHarness, type Harness } from "../../test-support/railway-harness";

let harness: Harness;
let provider: VolumeProvider;
let ids: { projectId: string; environmentId: string; serviceId: string };
beforeEach(async () => {
  harness = await startHarness();
  provider = await harness.provider((tuning) => new VolumeProvider(tuning));
  ids = await seedService(harness, "redis", { image: "redis:8.2" });
});
afterEach(() => harness.close());

const inputs = (overrides: Partial<VolumeInputs> = {}): VolumeInputs => ({ ...ids, mountPath: "/data", providerVersion: "1", ...overrides });
const liveInstances = () => [...harness.sim.state.volumeInstances.values()].filter((vi) => !vi.deletedAt);

describe("Volume", () => {
  it("creates in the environment, reads without drift, moves its mount, sees drift, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(liveInstances()).toMatchObject([{ volumeId: created.id, environmentId: ids.environmentId, serviceId: ids.serviceId, mountPath: "/data" }]);
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);

    await provider.update(created.id, created.outs, inputs({ mountPath: "/var/lib/redis" }));
    expect(liveInstances()[0]).toMatchObject({ mountPath: "/var/lib/redis", serviceId: ids.serviceId });

    liveInstances()[0]!.mountPath = "/mnt";
    expect((await provider.read(created.id, created.outs)).props?.mountPath).toBe("/mnt");

    await provider.delete(created.id);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await expect(provider.delete(created.id)).resolves.toBeUndefined();
  });

  it("adopts the service's existing volume instead of adding a second", async () => {
    const first = await createdOk(provider.create(inputs()));
    const second = await createdOk(provider.create(inputs({ mountPath: "/data2" })));
    expect(second.id).toBe(first.id);
    expect(liveInstances()).toHaveLength(1);
    expect(liveInstances()[0]?.mountPath).toBe("/data2");
  });

  it("leaves one volume when the create's answer is lost", async () => {
    harness.sim.injectFault({ field: "volumeCreate", fault: { kind: "dropAfterExecute" } });
    await provider.create(inputs());
    expect(liveInstances()).toHaveLength(1);
  });

  it("replaces when the environment changes, updates when the mount does", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ environmentId: "env-9" }))).replaces).toEqual(["environmentId"]);
    expect((await provider.diff("x", outs, inputs({ mountPath: "/other" }))).replaces).toEqual([]);
    expect((await provider.check(inputs(), inputs({ mountPath: "data" }))).failures?.[0]?.property).toBe("mountPath");
  });
});
