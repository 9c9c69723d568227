import { runPlan, type PlanDocument } from "../../src/offline/plan";
import { STACK_TYPE, type FakeResource } from "./harness";

export interface OfflineStack {
  readonly plan: PlanDocument;
  /** What a stack policy would see: every resource's properties, plus the root Stack with the outputs. */
  readonly resources: FakeResource[];
}

/** The offline plan of `Pulumi.<stack>.yaml` in `projectDir`, through the same buildPlan as `npm run plan`. */
export async function offlineStack(projectDir: string, stack: string): Promise<OfflineStack> {
  const { document: plan, run } = await runPlan(projectDir, stack);
  const resources: FakeResource[] = [
    {
      type: STACK_TYPE,
      name: `client-fulfillment-infra-${stack}`,
      props: Object.fromEntries(
        Object.entries(run.outputs).map(([key, output]) => [key, output.value]),
      ),
    },
    ...run.resources.map((resource) => ({
      type: resource.type,
      name: resource.name,
      props: resource.inputs,
      protect: resource.protect,
    })),
  ];
  return { plan, resources };
}
