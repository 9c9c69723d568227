import { afterEach, beforeEach, expect, it } from "vitest";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { UsageLimitProvider, type UsageLimitInputs } from "../../src/railway/usage-limit";
import {
  createdOk,
  describeWithRailwaySchema,
  seedProject,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

let harness: Harness;
let provider: UsageLimitProvider;
let projectId: string;
let customerId: string;

const inputs = (overrides: Partial<UsageLimitInputs> = {}): UsageLimitInputs => ({
  projectId,
  softLimitDollars: 60,
  hardLimitDollars: 90,
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});

describeWithRailwaySchema("UsageLimit", () => {
  beforeEach(async () => {
    harness = await startHarness();
    provider = await harness.provider((tuning) => new UsageLimitProvider(tuning));
    ({ projectId } = await seedProject(harness));
    customerId = harness.sim.state.customerIdOf(harness.sim.workspaceId);
    harness.sim.resetStats();
  });
  afterEach(() => harness.close());

  const liveLimit = () => harness.sim.state.usageLimits.get(customerId);

  it("adopts an equal limit without a write, and destroy leaves it alone", async () => {
    harness.sim.state.usageLimits.set(customerId, { softLimit: 60, hardLimit: 90 });
    const created = await createdOk(provider.create(inputs()));
    expect(created).toMatchObject({ id: customerId, outs: { adopted: true } });
    await provider.delete(created.id, created.outs);
    expect(harness.sim.stats.mutations).toBe(0);
    expect(liveLimit()).toEqual({ softLimit: 60, hardLimit: 90 });
  });

  it("replaces a different limit, and destroy puts the previous one back", async () => {
    harness.sim.state.usageLimits.set(customerId, { softLimit: 20, hardLimit: null });
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs).toMatchObject({ adopted: false, previousLimit: { softLimitDollars: 20 } });
    expect(liveLimit()).toEqual({ softLimit: 60, hardLimit: 90 });
    await provider.delete(created.id, created.outs);
    expect(liveLimit()).toEqual({ softLimit: 20, hardLimit: null });
    expect(harness.sim.stats.byField.usageLimitRemove ?? 0).toBe(0);
  });

  it("removes on destroy only the limit it set where there was none", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs).toMatchObject({ adopted: false });
    expect(created.outs.previousLimit).toBeUndefined();
    await provider.delete(created.id, created.outs);
    expect(liveLimit()).toBeUndefined();
    await expect(provider.delete(created.id, created.outs)).resolves.toBeUndefined();
  });

  it("reads dashboard edits as drift, updates them back, and drops a removed limit", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect((await provider.read(created.id, created.outs)).props).toEqual(
      JSON.parse(JSON.stringify(created.outs)),
    );
    harness.sim.state.usageLimits.set(customerId, { softLimit: 60, hardLimit: null });
    const drifted = await provider.read(created.id, created.outs);
    expect(drifted.props?.hardLimitDollars).toBe(0);
    expect((await provider.diff(created.id, drifted.props!, inputs())).changes).toBe(true);
    await provider.update(created.id, drifted.props!, inputs());
    expect(liveLimit()).toEqual({ softLimit: 60, hardLimit: 90 });
    harness.sim.state.usageLimits.delete(customerId);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
  });

  it.each([
    [
      { hardLimitDollars: 9, softLimitDollars: 5 },
      "hardLimitDollars",
      "at least Railway's minimum of $10",
    ],
    [
      { softLimitDollars: 90, hardLimitDollars: 90 },
      "softLimitDollars",
      "must come before the hard limit",
    ],
    [{ softLimitDollars: 0 }, "softLimitDollars", "positive whole number"],
    [{ hardLimitDollars: 12.5 }, "hardLimitDollars", "whole number of dollars"],
    [{ projectId: "" }, "projectId", "project id is required"],
  ])("check refuses %o", async (overrides, property, reason) => {
    const { failures } = await provider.check(inputs(), inputs(overrides));
    expect(failures).toContainEqual({ property, reason: expect.stringContaining(reason) });
  });

  it("check accepts the declared limit", async () => {
    expect((await provider.check(inputs(), inputs())).failures).toEqual([]);
  });
});
