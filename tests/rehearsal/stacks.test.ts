/**
 * The real production and staging programs rehearsed against the Railway
 * simulator through the dynamic-provider plugin (test-support/rehearsal/scenarios.ts).
 */
import { beforeAll, expect, it } from "vitest";
import type { UpResult } from "../../test-support/rehearsal/engine";
import type { ScenarioId, ScenarioResult, StackName } from "../../test-support/rehearsal/scenarios";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";

const RAILWAY_ID_KEY = /^(projectId|environmentId|serviceId|volumeId|sourceEnvironmentId)$/;

/** Every Railway id a dynamic resource received, by resource and key. */
function railwayIdInputs(up: UpResult): { resource: string; key: string; value: unknown }[] {
  return [...up.state.values()]
    .filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/"))
    .flatMap((resource) =>
      Object.entries(resource.inputs)
        .filter(([key]) => RAILWAY_ID_KEY.test(key))
        .map(([key, value]) => ({ resource: resource.name, key, value })),
    );
}

function scenario(results: readonly ScenarioResult[], id: ScenarioId): ScenarioResult {
  const found = results.find((result) => result.id === id);
  if (!found) throw new Error(`scenario ${id} did not run`);
  return found;
}

for (const stack of ["production", "staging"] as const satisfies readonly StackName[]) {
  describeWithRailwaySchema(`rehearsal of the ${stack} stack`, () => {
    let results: ScenarioResult[];
    let changed: { variable: string; healthcheckPath: string };
    beforeAll(async () => {
      const scenarios = await import("../../test-support/rehearsal/scenarios.js");
      changed = {
        variable: scenarios.CHANGED_VARIABLE.name,
        healthcheckPath: scenarios.CHANGED_HEALTHCHECK_PATH,
      };
      results = await scenarios.rehearseStack(stack);
    }, 240_000);

    it("(a) creates the Railway resources with real ids flowing into their dependents", () => {
      const a = scenario(results, "a");
      expect(a.steps.length).toBeGreaterThan(0);
      expect(a.steps.every((step) => step.kind === "create")).toBe(true);
      const ids = railwayIdInputs(a.up);
      expect(ids.length).toBeGreaterThan(0);
      for (const { resource, key, value } of ids) {
        expect(
          typeof value === "string" && value.length > 0 && !value.includes("computed"),
          `${resource}.${key} = ${String(value)}`,
        ).toBe(true);
      }
      expect(a.measurement.deploys).toBeGreaterThan(0);
    });

    it("(b) a second up with the same config sends no mutation and deploys nothing", () => {
      const b = scenario(results, "b");
      expect(
        b.steps.every((step) => step.kind === "same"),
        b.steps.map((s) => `${s.kind} ${s.name}`).join(", "),
      ).toBe(true);
      expect(b.measurement.mutationsByName).toEqual({});
      expect(b.measurement.deploys).toBe(0);
    });

    it("(c) a backend variable and a backend setting changed together deploy the backend once", () => {
      const c = scenario(results, "c");
      const changedInputs = JSON.stringify(
        c.steps
          .filter((step) => step.kind === "update")
          .map((step) => c.up.state.get(`${step.type}::${step.name}`)?.inputs),
      );
      expect(changedInputs).toContain(changed.variable);
      expect(changedInputs).toContain(changed.healthcheckPath);
      expect(c.deploysByService).toEqual({ [`backend@${stack}`]: 1 });
      expect(c.targets.every((target) => target.ok)).toBe(true);
    });

    it("(d) adopting the live environment with the same config deploys nothing", () => {
      const d = scenario(results, "d");
      expect(d.measurement.deploys, JSON.stringify(d.deploysByService)).toBe(0);
      expect(d.steps.every((step) => step.kind === "create")).toBe(true);
    });
  });
}
