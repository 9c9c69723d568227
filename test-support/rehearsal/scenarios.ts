/**
 * Rehearsals of the real stacks (the program `pulumi up` runs, with `Pulumi.<stack>.yaml`)
 * against fresh Railway simulators, through the rehearsal engine:
 *   (a) fresh environment: first `up` on an empty simulator;
 *   (b) a second `up` with the same config;
 *   (c) one backend variable and one backend setting changed together in the stack config;
 *   (d) adopting a live environment: made by one `up` on a fresh simulator, state discarded, `up` again.
 * Staging needs production: each staging simulator gets a production `up` first (not measured),
 * whose real outputs feed staging's StackReference.
 */
import { PROJECT_NAME } from "../../src/config";
import { readStackFile } from "../../src/stack-file";
import { PROJECT_DIR, rehearseUp, type RehearsalState, type Step, type UpResult } from "./engine";
import { startRailwayTarget, type Measurement, type RailwayTarget } from "./target";

export type StackName = "production" | "staging";
export type ScenarioId = "a" | "b" | "c" | "d";
/** Takes the stack's config map ("ns:key" → string, structured values as JSON) and returns the edited one. */
export type ConfigEdit = (config: Record<string, string>) => Record<string, string>;

export const SCENARIO_TITLES: Record<ScenarioId, string> = {
  a: "(a) fresh environment",
  b: "(b) no-op second up",
  c: "(c) backend variable + setting",
  d: "(d) adopt live environment",
};

export interface TargetCheck {
  readonly description: string;
  readonly ok: boolean;
}

export interface ScenarioResult {
  readonly id: ScenarioId;
  readonly title: string;
  readonly measurement: Measurement;
  /** Engine steps of the measured `up` (dynamic resources only). */
  readonly steps: readonly Step[];
  readonly targets: readonly TargetCheck[];
  /** Role (backend, frontend, …) or service name of each deployment, e.g. "backend@staging". */
  readonly deploysByService: Readonly<Record<string, number>>;
  readonly up: UpResult;
}

export interface StackRehearsalOptions {
  readonly projectDir?: string;
  /** The edit of scenario (c); defaults to `changeBackendVariableAndSetting`. */
  readonly change?: ConfigEdit;
  /** Called as each scenario finishes (progress output). */
  readonly onScenario?: (result: ScenarioResult) => void;
  /** Simulated length of each build and deploy (no real sleeping), so polling is counted as a real build costs it. */
  readonly buildSeconds?: number;
}

/** Edits one structured key of the project's namespace (`client-fulfillment-infra:<key>`). */
export function editProjectKey(
  config: Record<string, string>,
  key: string,
  edit: (value: Record<string, unknown>) => void,
): Record<string, string> {
  const fullKey = `${PROJECT_NAME}:${key}`;
  const value = JSON.parse(config[fullKey] ?? "{}") as Record<string, unknown>;
  edit(value);
  return { ...config, [fullKey]: JSON.stringify(value) };
}

/** A fresh `up`'s requests, polls included: Railway's Hobby plan allows 1,000 an hour (docs integrations/api.md). */
export const FRESH_UP_REQUEST_BUDGET = 120;

export const CHANGED_VARIABLE = { name: "REHEARSAL_CHANGE", value: "changed" };
export const CHANGED_HEALTHCHECK_PATH = "/health/rehearsal";

/** Scenario (c): `railway.backend.variables.REHEARSAL_CHANGE` added and `railway.backend.healthcheckPath` changed. */
export const changeBackendVariableAndSetting: ConfigEdit = (config) =>
  editProjectKey(config, "railway", (railway) => {
    const backend = (railway.backend ??= {}) as Record<string, unknown>;
    backend.variables = {
      ...((backend.variables as Record<string, string> | undefined) ?? {}),
      [CHANGED_VARIABLE.name]: CHANGED_VARIABLE.value,
    };
    backend.healthcheckPath = CHANGED_HEALTHCHECK_PATH;
  });

interface StackInput {
  readonly config: Record<string, string>;
  readonly secretKeys: readonly string[];
}

/**
 * The stack file's config pointed at the target. Production's projects are adopted by name and
 * created only when missing, which needs `railway.workspaceId`: on a fresh simulator nothing
 * exists, so the simulator's workspace is filled in when the stack file names none.
 */
export function stackInput(
  projectDir: string,
  stack: StackName,
  target: RailwayTarget,
  edit?: ConfigEdit,
): StackInput {
  const file = readStackFile(projectDir, stack);
  let config = { ...file.config, ...target.config };
  if (stack === "production" && config[`${PROJECT_NAME}:railway`] !== undefined) {
    config = editProjectKey(config, "railway", (railway) => {
      railway.workspaceId ??= target.sim.workspaceId;
    });
  }
  return {
    config: edit ? edit(config) : config,
    secretKeys: [...file.secretKeys, ...target.secretKeys],
  };
}

/** The names staging's config gives the production stack (one StackReference per name). */
export function productionStackNames(config: Record<string, string>): string[] {
  const names = new Set<string>();
  for (const key of ["railway", "neon"]) {
    const value = JSON.parse(config[`${PROJECT_NAME}:${key}`] ?? "{}") as {
      productionStack?: unknown;
    };
    if (typeof value.productionStack === "string") names.add(value.productionStack);
  }
  return names.size ? [...names] : ["production"];
}

interface StackRun {
  up(prior: RehearsalState | undefined, edit?: ConfigEdit): Promise<UpResult>;
}

/** Runs one stack against one target; staging first applies production there (unmeasured). */
async function stackRun(
  projectDir: string,
  stack: StackName,
  target: RailwayTarget,
): Promise<StackRun & { production?: UpResult }> {
  let stackReferences: Record<string, Record<string, unknown>> | undefined;
  let production: UpResult | undefined;
  if (stack === "staging") {
    production = await rehearseUp({
      stack: "production",
      projectDir,
      ...stackInput(projectDir, "production", target),
    });
    const names = productionStackNames(stackInput(projectDir, "staging", target).config);
    stackReferences = Object.fromEntries(names.map((name) => [name, production?.outputs ?? {}]));
  }
  return {
    production,
    up: (prior, edit) =>
      rehearseUp({
        stack,
        projectDir,
        prior,
        stackReferences,
        ...stackInput(projectDir, stack, target, edit),
      }),
  };
}

/** Service ids → app role, from the production outputs (`railwayServiceIds`) when exported. */
function rolesOf(outputs: Record<string, unknown> | undefined): Map<string, string> {
  const ids = (outputs?.railwayServiceIds ?? {}) as Record<string, unknown>;
  return new Map(
    Object.entries(ids).flatMap(([role, id]) =>
      typeof id === "string" ? [[id, role] as const] : [],
    ),
  );
}

function deploysByService(
  measurement: Measurement,
  roles: Map<string, string>,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const deployment of measurement.deployments) {
    const label = `${roles.get(deployment.serviceId) ?? deployment.service}@${deployment.environment}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

function targetsFor(
  id: ScenarioId,
  measurement: Measurement,
  backendId: string | undefined,
): TargetCheck[] {
  switch (id) {
    case "a":
      return [
        {
          description: `≤ ${FRESH_UP_REQUEST_BUDGET} requests (Hobby allows 1,000 an hour)`,
          ok: measurement.requests <= FRESH_UP_REQUEST_BUDGET,
        },
      ];
    case "b":
      return [
        { description: "0 mutations", ok: measurement.mutations === 0 },
        { description: "0 deploys", ok: measurement.deploys === 0 },
      ];
    case "c": {
      const backendOnly =
        backendId !== undefined &&
        measurement.deployments.length === 1 &&
        measurement.deployments[0]?.serviceId === backendId;
      return [
        { description: "1 deploy", ok: measurement.deploys === 1 },
        {
          description: backendId
            ? "of the backend only"
            : "of the backend only (production exports no railwayServiceIds.backend)",
          ok: backendOnly,
        },
      ];
    }
    case "d":
      return [{ description: "0 deploys", ok: measurement.deploys === 0 }];
  }
}

/** Runs scenarios (a)–(d) for one stack, each on its simulator as described above. */
export async function rehearseStack(
  stack: StackName,
  options: StackRehearsalOptions = {},
): Promise<ScenarioResult[]> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const results: ScenarioResult[] = [];
  const record = (
    id: ScenarioId,
    target: RailwayTarget,
    up: UpResult,
    productionOutputs: Record<string, unknown> | undefined,
  ) => {
    const measurement = target.measure();
    const roles = rolesOf(productionOutputs);
    const backendId = [...roles].find(([, role]) => role === "backend")?.[0];
    const result: ScenarioResult = {
      id,
      title: SCENARIO_TITLES[id],
      measurement,
      steps: up.steps,
      targets: targetsFor(id, measurement, backendId),
      deploysByService: deploysByService(measurement, roles),
      up,
    };
    results.push(result);
    options.onScenario?.(result);
    return result;
  };

  const target = await startRailwayTarget();
  target.sim.state.deploySimulatedSeconds = options.buildSeconds;
  try {
    const run = await stackRun(projectDir, stack, target);
    const productionOutputs = (up: UpResult) => run.production?.outputs ?? up.outputs;
    target.startWindow();
    const a = await run.up(undefined);
    record("a", target, a, productionOutputs(a));
    target.startWindow();
    const b = await run.up(a.state);
    record("b", target, b, productionOutputs(b));
    target.startWindow();
    const c = await run.up(b.state, options.change ?? changeBackendVariableAndSetting);
    record("c", target, c, productionOutputs(c));
  } finally {
    await target.close();
  }

  const live = await startRailwayTarget();
  live.sim.state.deploySimulatedSeconds = options.buildSeconds;
  try {
    const run = await stackRun(projectDir, stack, live);
    const made = await run.up(undefined);
    // The Pulumi state of this stack is discarded; the live environment stays.
    live.startWindow();
    const d = await run.up(undefined);
    record("d", live, d, run.production?.outputs ?? made.outputs);
  } finally {
    await live.close();
  }
  return results;
}
