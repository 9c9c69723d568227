import { afterEach, beforeEach, expect, it } from "vitest";
import { ProjectProvider, type ProjectInputs } from "../../src/railway/project";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import {
  createdOk,
  describeWithRailwaySchema,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

let harness: Harness;
let provider: ProjectProvider;

const inputs = (overrides: Partial<ProjectInputs> = {}): ProjectInputs => ({
  name: "client-fulfillment",
  workspaceId: "ws-sim",
  description: "app",
  defaultEnvironmentName: "production",
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});

describeWithRailwaySchema("Project", () => {
  beforeEach(async () => {
    harness = await startHarness();
    provider = await harness.provider((tuning) => new ProjectProvider(tuning));
  });
  afterEach(() => harness.close());

  it("creates, reads without drift, updates, sees drift, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs.defaultEnvironmentId).toMatch(/^env-/);
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);

    const renamed = await provider.update(created.id, created.outs, inputs({ name: "cf-app" }));
    expect(harness.sim.state.projects.get(created.id)?.name).toBe("cf-app");

    harness.sim.state.projects.get(created.id)!.description = "edited in the dashboard";
    const refreshed = await provider.read(created.id, renamed.outs);
    expect(refreshed.props?.description).toBe("edited in the dashboard");
    expect(
      (await provider.diff(created.id, refreshed.props!, inputs({ name: "cf-app" }))).changes,
    ).toBe(true);

    expect(created.outs.adopted).toBe(false);
    await provider.delete(created.id, created.outs);
    expect((await provider.read(created.id, renamed.outs)).id).toBe("");
    await expect(provider.delete(created.id, created.outs)).resolves.toBeUndefined();
  });

  it("adopts a project of the same name instead of creating a second, and never deletes it", async () => {
    const first = await createdOk(provider.create(inputs()));
    harness.sim.resetStats();
    const second = await createdOk(provider.create(inputs()));
    expect(second).toMatchObject({ id: first.id, outs: { adopted: true } });
    expect(harness.sim.stats.byField.projectCreate ?? 0).toBe(0);
    await provider.delete(second.id, second.outs);
    expect(harness.sim.stats.mutations).toBe(0);
    expect([...harness.sim.state.projects.values()].filter((p) => !p.deletedAt)).toHaveLength(1);
  });

  it("retries Railway's project-creation throttle (a GraphQL error) and creates once", async () => {
    harness.sim.injectFault({
      field: "projectCreate",
      fault: {
        kind: "graphqlError",
        message: "You are creating projects too quickly",
        code: "RATE_LIMITED",
      },
    });
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs.adopted).toBe(false);
    expect([...harness.sim.state.projects.values()]).toHaveLength(1);
  });

  it("never replaces a project: a new workspace changes nothing, a new name is an update", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect(await provider.diff("x", outs, inputs({ workspaceId: "ws-other" }))).toMatchObject({
      changes: false,
      replaces: [],
    });
    expect(await provider.diff("x", outs, inputs({ name: "renamed" }))).toMatchObject({
      changes: true,
      replaces: [],
    });
    expect(await provider.diff("x", outs, inputs())).toMatchObject({ changes: false });
  });

  it("leaves exactly one project when the create's answer is lost", async () => {
    harness.sim.injectFault({ field: "projectCreate", fault: { kind: "dropAfterExecute" } });
    const created = await createdOk(provider.create(inputs()));
    expect(
      [...harness.sim.state.projects.values()].filter((p) => !p.deletedAt).map((p) => p.id),
    ).toEqual([created.id]);
  });

  it("keeps the default environment's id when it is renamed, and says when it cannot be found", async () => {
    const created = await createdOk(provider.create(inputs()));
    harness.sim.state.environments.get(created.outs.defaultEnvironmentId)!.name = "prod";
    expect((await provider.read(created.id, created.outs)).props?.defaultEnvironmentId).toBe(
      created.outs.defaultEnvironmentId,
    );
    await expect(provider.create(inputs({ defaultEnvironmentName: "main" }))).rejects.toThrow(
      'has no environment named "main"; it has "prod"',
    );
  });

  it("rejects missing names with the property named", async () => {
    const { failures } = await provider.check(inputs(), inputs({ name: " ", workspaceId: "" }));
    expect(failures?.map((f) => f.property)).toEqual(["name", "workspaceId"]);
  });
});
