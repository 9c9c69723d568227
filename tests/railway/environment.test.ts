import { afterEach, beforeEach, expect, it } from "vitest";
import { EnvironmentProvider, type EnvironmentInputs } from "../../src/railway/environment";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { ServiceProvider } from "../../src/railway/service";
import {
  createdOk,
  describeWithRailwaySchema,
  seedProject,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

let harness: Harness;
let provider: EnvironmentProvider;
let projectId: string;

const inputs = (overrides: Partial<EnvironmentInputs> = {}): EnvironmentInputs => ({
  projectId,
  name: "staging",
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});

describeWithRailwaySchema("Environment", () => {
  beforeEach(async () => {
    harness = await startHarness();
    provider = await harness.provider((tuning) => new EnvironmentProvider(tuning));
    ({ projectId } = await seedProject(harness));
  });
  afterEach(() => harness.close());

  it("creates, reads without drift, renames, sees an outside rename, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);
    await provider.update(created.id, created.outs, inputs({ name: "preview" }));
    expect(harness.sim.state.environments.get(created.id)?.name).toBe("preview");

    harness.sim.state.environments.get(created.id)!.name = "qa";
    expect((await provider.read(created.id, created.outs)).props?.name).toBe("qa");

    await provider.delete(created.id, created.outs);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await expect(provider.delete(created.id, created.outs)).resolves.toBeUndefined();
  });

  it("creates an empty environment: no copy of any other environment's services", async () => {
    const services = await harness.provider((tuning) => new ServiceProvider(tuning));
    await services.create({ projectId, name: "api", providerVersion: PROVIDER_VERSION });
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs.adopted).toBe(false);
    expect(harness.sim.state.liveServiceInstances(created.id)).toEqual([]);
  });

  it("adopts the project's default environment by name, and never deletes it", async () => {
    harness.sim.resetStats();
    const adopted = await createdOk(provider.create(inputs({ name: "production" })));
    expect(harness.sim.state.environments.get(adopted.id)?.name).toBe("production");
    expect(adopted.outs.adopted).toBe(true);
    await provider.delete(adopted.id, adopted.outs);
    expect(harness.sim.stats.mutations).toBe(0);
    expect(harness.sim.state.environments.get(adopted.id)?.deletedAt).toBeNull();
  });

  it("retries Railway's one-environment-per-30-s limit", async () => {
    harness.sim.injectFault({
      field: "environmentCreate",
      fault: {
        kind: "graphqlError",
        message: "Only one environment can be created per user every 30s, please try again",
      },
    });
    await createdOk(provider.create(inputs()));
    expect(
      [...harness.sim.state.environments.values()].filter((env) => env.name === "staging"),
    ).toHaveLength(1);
  });

  it("replaces on a new project, updates on a new name", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ projectId: "prj-9" }))).replaces).toEqual([
      "projectId",
    ]);
    expect(await provider.diff("x", outs, inputs({ name: "qa" }))).toMatchObject({
      changes: true,
      replaces: [],
    });
  });

  it("survives a server error and a lost answer without duplicating", async () => {
    harness.sim.injectFault({ field: "environmentCreate", fault: { kind: "status", status: 500 } });
    harness.sim.injectFault({ field: "environmentCreate", fault: { kind: "dropAfterExecute" } });
    await createdOk(provider.create(inputs()));
    const named = [...harness.sim.state.environments.values()].filter(
      (env) => env.name === "staging" && !env.deletedAt,
    );
    expect(named).toHaveLength(1);
  });
});
