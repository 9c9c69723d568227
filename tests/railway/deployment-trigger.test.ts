import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeploymentTriggerProvider, type DeploymentTriggerInputs } from "../../src/railway/deployment-trigger";
import { ServiceProvider } from "../../src/railway/service";
import { createdOk, seedService, startHarness, type Harness } from "../../test-support/railway-harness";

let harness: Harness;
let provider: DeploymentTriggerProvider;
let ids: { projectId: string; environmentId: string; serviceId: string };
beforeEach(async () => {
  harness = await startHarness();
  provider = await harness.provider((tuning) => new DeploymentTriggerProvider(tuning));
  ids = await seedService(harness, "api", { image: "app:1" });
});
afterEach(() => harness.close());

const inputs = (overrides: Partial<DeploymentTriggerInputs> = {}): DeploymentTriggerInputs => ({
  ...ids,
  repository: "acme/client-fulfillment",
  branch: "main",
  providerVersion: "1",
  ...overrides,
});
const triggers = () => [...harness.sim.state.deploymentTriggers.values()];

describe("DeploymentTrigger", () => {
  it("creates, reads without drift, changes branch, sees drift, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(triggers()).toMatchObject([{ branch: "main", repository: "acme/client-fulfillment", provider: "github" }]);
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);

    await provider.update(created.id, created.outs, inputs({ branch: "staging" }));
    expect(triggers()[0]?.branch).toBe("staging");

    triggers()[0]!.branch = "hotfix";
    expect((await provider.read(created.id, created.outs)).props?.branch).toBe("hotfix");

    await provider.delete(created.id);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await expect(provider.delete(created.id)).resolves.toBeUndefined();
  });

  it("adopts the trigger Railway made when the repo was connected, and points it at the declared branch", async () => {
    const services = await harness.provider((tuning) => new ServiceProvider(tuning));
    const repoService = await createdOk(
      services.create({ ...ids, name: "backend", source: { repo: "acme/client-fulfillment" }, providerVersion: "1" }),
    );
    const before = triggers().filter((t) => t.serviceId === repoService.id);
    expect(before).toHaveLength(1);
    const adopted = await createdOk(provider.create(inputs({ serviceId: repoService.id, branch: "staging" })));
    expect(adopted.id).toBe(before[0]?.id);
    expect(triggers().filter((t) => t.serviceId === repoService.id)).toMatchObject([{ branch: "staging" }]);
  });

  it("leaves one trigger after a lost answer; replaces on a new service", async () => {
    harness.sim.injectFault({ field: "deploymentTriggerCreate", fault: { kind: "dropAfterExecute" } });
    const { outs } = await createdOk(provider.create(inputs()));
    expect(triggers()).toHaveLength(1);
    expect((await provider.diff("x", outs, inputs({ serviceId: "svc-9" }))).replaces).toEqual(["serviceId"]);
    expect((await provider.diff("x", outs, inputs({ branch: "staging" }))).replaces).toEqual([]);
  });
});
