/**
 * `pulumi destroy` of production while staging still configures production's services: refused
 * before anything is deleted (protected volume first, then the delete guards), while staging's
 * own destroy, which owns no service, goes through and then lets production's go too.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  PROJECT_DIR,
  rehearseDestroy,
  rehearseUp,
  unprotected,
  type UpResult,
} from "../../test-support/rehearsal/engine";
import { productionStackNames, stackInput } from "../../test-support/rehearsal/scenarios";
import { startRailwayTarget, type RailwayTarget } from "../../test-support/rehearsal/target";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";

describeWithRailwaySchema("destroying production while staging still uses its services", () => {
  let target: RailwayTarget;
  let production: UpResult;
  let staging: UpResult;
  const destroy = (stack: "production" | "staging", prior: UpResult["state"]) =>
    rehearseDestroy({
      stack,
      projectDir: PROJECT_DIR,
      prior,
      config: stackInput(PROJECT_DIR, stack, target).config,
    });
  const liveInstances = () =>
    [...target.sim.state.serviceInstances.values()].filter(
      (instance) => instance.deletedAt === null,
    ).length;

  beforeAll(async () => {
    target = await startRailwayTarget();
    production = await rehearseUp({
      stack: "production",
      projectDir: PROJECT_DIR,
      ...stackInput(PROJECT_DIR, "production", target),
    });
    const stagingInput = stackInput(PROJECT_DIR, "staging", target);
    const stackReferences = Object.fromEntries(
      productionStackNames(stagingInput.config).map((name) => [name, production.outputs]),
    );
    staging = await rehearseUp({
      stack: "staging",
      projectDir: PROJECT_DIR,
      stackReferences,
      ...stagingInput,
    });
  }, 240_000);
  afterAll(() => target?.close());

  it("is refused for the protected Redis volume before any request, as Pulumi's preview refuses", async () => {
    target.startWindow();
    await expect(destroy("production", production.state)).rejects.toThrow(
      /refused: .*Volume.* is protected.*pulumi state unprotect/,
    );
    expect(target.measure().requests).toBe(0);
  });

  it("once unprotected, is refused naming staging, and deletes nothing", async () => {
    const instancesBefore = liveInstances();
    target.startWindow();
    await expect(destroy("production", unprotected(production.state))).rejects.toThrow(
      /still configured in environment\(s\) "staging".*Destroy those stacks first/s,
    );
    const measured = target.measure();
    expect(measured.mutations, JSON.stringify(measured.mutationsByName)).toBe(0);
    expect(liveInstances()).toBe(instancesBefore);
  });

  it("goes through for staging, which owns no service, and then for production", async () => {
    await destroy("staging", unprotected(staging.state));
    const stagingEnvironment = [...target.sim.state.environments.values()].find(
      (environment) => environment.name === "staging",
    );
    expect(stagingEnvironment?.deletedAt ?? "kept").not.toBe("kept");
    await destroy("production", unprotected(production.state));
    expect(
      [...target.sim.state.services.values()].filter((service) => service.deletedAt === null),
    ).toEqual([]);
  }, 60_000);
});
