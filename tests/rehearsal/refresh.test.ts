/**
 * `pulumi refresh` rehearsed: each Railway resource read back through the dynamic-provider plugin.
 * A refresh of an unchanged stack records nothing, whatever form Railway reads a setting back in.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";
import type { UpResult } from "../../test-support/rehearsal/engine";
import type { RailwayTarget } from "../../test-support/rehearsal/target";

let target: RailwayTarget;
let up: UpResult;
let config: Record<string, string>;
let environmentId: string;

async function refresh() {
  const { rehearseRefresh } = await import("../../test-support/rehearsal/refresh.js");
  return rehearseRefresh({ stack: "production", config, state: up.state });
}

describeWithRailwaySchema("refresh of the production stack", () => {
  beforeAll(async () => {
    const { startRailwayTarget } = await import("../../test-support/rehearsal/target.js");
    const { rehearseUp, PROJECT_DIR } = await import("../../test-support/rehearsal/engine.js");
    const { stackInput } = await import("../../test-support/rehearsal/scenarios.js");
    target = await startRailwayTarget();
    const input = stackInput(PROJECT_DIR, "production", target);
    config = input.config;
    up = await rehearseUp({ stack: "production", projectDir: PROJECT_DIR, ...input });
    environmentId = [...target.sim.state.environments.values()].find(
      (env) => env.name === "production" && env.projectId === up.outputs.railwayProjectId,
    )!.id;
  }, 120_000);
  afterAll(() => target?.close());

  it("records no change right after up", async () => {
    expect(await refresh()).toEqual([]);
  });

  it("records no change when Railway writes the root directory with a leading /", async () => {
    const backend = (up.outputs.railwayServiceIds as Record<string, string>).backend!;
    target.sim.state.updateServiceInstance(environmentId, backend, { rootDirectory: "/backend" });
    expect(await refresh()).toEqual([]);
  });

  it("records a real change to a declared setting, on that resource only", async () => {
    const backend = (up.outputs.railwayServiceIds as Record<string, string>).backend!;
    target.sim.state.updateServiceInstance(environmentId, backend, { restartPolicyType: "NEVER" });
    expect(await refresh()).toEqual([{ name: "app-backend-config", keys: ["deploy"] }]);
    target.sim.state.updateServiceInstance(environmentId, backend, {
      restartPolicyType: "ON_FAILURE",
    });
  });
});
