import { vi } from "vitest";
import type { OfflinePlan } from "../../src/offline/mock-runtime";
import { buildPlan, type PlanDocument } from "../../src/offline/plan";
import { STACK_TYPE, type FakeResource } from "./harness";

/** Runs captured by buildPlan: the resources with secrets revealed, as the engine would send them. */
const captured = vi.hoisted(() => ({ runs: [] as unknown[] }));

vi.mock("../../src/offline/mock-runtime", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../src/offline/mock-runtime")>();
  return {
    ...original,
    runProgramOffline: async (options: Parameters<typeof original.runProgramOffline>[0]) => {
      const run = await original.runProgramOffline(options);
      captured.runs.push(run);
      return run;
    },
  };
});

export interface OfflineStack {
  readonly plan: PlanDocument;
  /** What a stack policy would see: every resource's properties, plus the root Stack with the outputs. */
  readonly resources: FakeResource[];
}

/** The offline plan of `Pulumi.<stack>.yaml` in `projectDir`, through the same buildPlan as `npm run plan`. */
export async function offlineStack(projectDir: string, stack: string): Promise<OfflineStack> {
  const plan = await buildPlan(projectDir, stack);
  const run = captured.runs.at(-1) as OfflinePlan;
  const resources: FakeResource[] = [
    {
      type: STACK_TYPE,
      name: `client-fulfillment-infra-${stack}`,
      props: Object.fromEntries(Object.entries(run.outputs).map(([key, output]) => [key, output.value])),
    },
    ...run.resources.map((resource) => ({ type: resource.type, name: resource.name, props: resource.inputs, protect: resource.protect })),
  ];
  return { plan, resources };
}
