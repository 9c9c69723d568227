import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnvironmentProvider, type EnvironmentInputs } from "../../src/railway/environment";
import { createdOk, seedProject, startHarness, type Harness } from "../../test-support/railway-harness";

let harness: Harness;
let provider: EnvironmentProvider;
let projectId: string;
beforeEach(async () => {
  harness = await startHarness();
  provider = await harness.provider((tuning) => new EnvironmentProvider(tuning));
  ({ projectId } = await seedProject(harness));
});
afterEach(() => harness.close());

const inputs = (overrides: Partial<EnvironmentInputs> = {}): EnvironmentInputs => ({
  projectId,
  name: "staging",
  providerVersion: "1",
  ...overrides,
});

describe("Environment", () => {
  it("creates, reads without drift, renames, sees an outside rename, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);
    await provider.update(created.id, created.outs, inputs({ name: "preview" }));
    expect(harness.sim.state.environments.get(created.id)?.name).toBe("preview");

    harness.sim.state.environments.get(created.id)!.name = "qa";
    expect((await provider.read(created.id, created.outs)).props?.name).toBe("qa");

    await provider.delete(created.id);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await expect(provider.delete(created.id)).resolves.toBeUndefined();
  });

  it("adopts the project's default environment by name", async () => {
    harness.sim.resetStats();
    const adopted = await createdOk(provider.create(inputs({ name: "production" })));
    expect(harness.sim.state.environments.get(adopted.id)?.name).toBe("production");
    expect(harness.sim.stats.mutations).toBe(0);
  });

  it("replaces on a new project, updates on a new name", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ projectId: "prj-9" }))).replaces).toEqual(["projectId"]);
    expect(await provider.diff("x", outs, inputs({ name: "qa" }))).toMatchObject({ changes: true, replaces: [] });
  });

  it("survives a server error and a lost answer without duplicating", async () => {
    harness.sim.injectFault({ field: "environmentCreate", fault: { kind: "status", status: 500 } });
    harness.sim.injectFault({ field: "environmentCreate", fault: { kind: "dropAfterExecute" } });
    await createdOk(provider.create(inputs()));
    const named = [...harness.sim.state.environments.values()].filter((env) => env.name === "staging" && !env.deletedAt);
    expect(named).toHaveLength(1);
  });
});
