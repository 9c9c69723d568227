/**
 * What the engine shows when a Railway call fails inside the serialized provider: Pulumi
 * serializes the provider's code, and a serialized subclass of Error used to lose its message,
 * so `up` failed with an empty error.
 */
import { expect, it } from "vitest";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";

describeWithRailwaySchema("a Railway error during up", () => {
  it("reaches the engine with Railway's message and the operation", async () => {
    const { startRailwayTarget } = await import("../../test-support/rehearsal/target.js");
    const { rehearseUp, PROJECT_DIR } = await import("../../test-support/rehearsal/engine.js");
    const { stackInput } = await import("../../test-support/rehearsal/scenarios.js");
    const target = await startRailwayTarget();
    try {
      target.sim.injectFault({
        field: "serviceCreate",
        fault: { kind: "graphqlError", message: "Project is archived" },
      });
      await expect(
        rehearseUp({
          stack: "production",
          projectDir: PROJECT_DIR,
          ...stackInput(PROJECT_DIR, "production", target),
        }),
      ).rejects.toThrow(
        /railway:Service::.*: Railway ServiceCreate failed \(HTTP 200\): Project is archived/,
      );
    } finally {
      await target.close();
    }
  }, 60_000);
});
