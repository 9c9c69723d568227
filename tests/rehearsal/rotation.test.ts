/**
 * Rotating a generated secret on purpose: a new `railway.redis.passwordRotation` label writes a
 * new REDIS_PASSWORD, and the backend, which holds the old one through REDIS_URL, is redeployed
 * after Redis. Without a new label the live value stays.
 */
import { expect, it } from "vitest";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";

describeWithRailwaySchema("rotating Redis's password", () => {
  it("writes a new password only for a new label, then redeploys the backend after Redis", async () => {
    const { startRailwayTarget } = await import("../../test-support/rehearsal/target.js");
    const { rehearseUp, PROJECT_DIR } = await import("../../test-support/rehearsal/engine.js");
    const { editProjectKey, stackInput } =
      await import("../../test-support/rehearsal/scenarios.js");
    const target = await startRailwayTarget();
    try {
      const input = stackInput(PROJECT_DIR, "production", target);
      const first = await rehearseUp({ stack: "production", projectDir: PROJECT_DIR, ...input });
      const ids = first.outputs.railwayServiceIds as Record<string, string>;
      const environmentId = [...target.sim.state.environments.values()].find(
        (env) => env.name === "production" && env.projectId === first.outputs.railwayProjectId,
      )!.id;
      const password = () =>
        target.sim.state.getVariables(environmentId, ids.redis!).REDIS_PASSWORD;
      const before = password();

      const rotated = editProjectKey(input.config, "railway", (railway) => {
        (railway.redis as Record<string, unknown>).passwordRotation = "2026-12-01";
      });
      target.startWindow();
      const second = await rehearseUp({
        stack: "production",
        projectDir: PROJECT_DIR,
        config: rotated,
        secretKeys: input.secretKeys,
        prior: first.state,
      });
      const deployed = target.measure().deployments.map((deployment) => deployment.serviceId);

      expect(password()).not.toBe(before);
      expect(deployed).toEqual([ids.redis, ids.backend]);
      const step = (name: string) => second.steps.find((candidate) => candidate.name === name)!;
      expect(step("app-redis-config").finished).toBeLessThan(step("app-backend-config").started);
      expect(step("app-crawl4ai-config").kind).toBe("same");

      target.startWindow();
      await rehearseUp({
        stack: "production",
        projectDir: PROJECT_DIR,
        config: rotated,
        secretKeys: input.secretKeys,
        prior: second.state,
      });
      expect(target.measure().mutations).toBe(0);
    } finally {
      await target.close();
    }
  }, 120_000);
});
