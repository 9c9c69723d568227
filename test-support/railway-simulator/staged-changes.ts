import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import { RailwayApiError, type SimulatorState } from "./state.js";
import { deployAffectedServices, writeVariables } from "./variables.js";

/** The part of Railway's EnvironmentConfig patch the simulator applies: variables, `null` removing one. */
interface VariablesPatch {
  [name: string]: { value?: string } | null;
}
interface EnvironmentPatchShape {
  services?: Record<string, { variables?: VariablesPatch }>;
  sharedVariables?: VariablesPatch;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Railway deep-merges patches; `null` survives the merge so the commit can remove the key. */
function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function countChanges(patch: EnvironmentPatchShape): number {
  const services = Object.values(patch.services ?? {}).reduce((n, s) => n + Object.keys(s.variables ?? {}).length, 0);
  return services + Object.keys(patch.sharedVariables ?? {}).length;
}

function applyVariables(state: SimulatorState, projectId: string, environmentId: string, serviceId: string | null, patch: VariablesPatch): void {
  for (const [name, change] of Object.entries(patch)) {
    if (change === null) state.deleteVariable(projectId, environmentId, serviceId, name);
    else if (typeof change.value === "string") writeVariables(state, environmentId, serviceId, { [name]: change.value }, { replace: false });
  }
}

/** Staged environment changes (`environmentStageChanges` + `environmentPatchCommitStaged`), for variables. */
export class StagedChanges {
  private readonly staged = new Map<string, EnvironmentPatchShape>();

  constructor(private readonly state: SimulatorState) {}

  unmergedChangesCount(environmentId: string): number {
    const patch = this.staged.get(environmentId);
    return patch ? countChanges(patch) : 0;
  }

  /** A human's pending dashboard edit, for tests. */
  stage(environmentId: string, patch: EnvironmentPatchShape, merge = true): void {
    const current = merge ? (this.staged.get(environmentId) ?? {}) : {};
    this.staged.set(environmentId, deepMerge(current as Record<string, unknown>, patch as Record<string, unknown>) as EnvironmentPatchShape);
  }

  commit(environmentId: string, skipDeploys: boolean): void {
    const patch = this.staged.get(environmentId);
    if (!patch) throw new RailwayApiError("No staged changes to commit");
    this.staged.delete(environmentId);
    this.apply(environmentId, patch, skipDeploys);
  }

  /** Applies a patch at once, leaving whatever is staged alone; deploys what it touches. */
  apply(environmentId: string, patch: EnvironmentPatchShape, skipDeploys: boolean): void {
    const environment = this.state.requireEnvironment(environmentId);
    for (const [serviceId, service] of Object.entries(patch.services ?? {})) {
      this.state.requireService(serviceId, environment.projectId);
      applyVariables(this.state, environment.projectId, environmentId, serviceId, service.variables ?? {});
      if (!skipDeploys) deployAffectedServices(this.state, environmentId, serviceId);
    }
    if (patch.sharedVariables) {
      applyVariables(this.state, environment.projectId, environmentId, null, patch.sharedVariables);
      if (!skipDeploys) deployAffectedServices(this.state, environmentId, null);
    }
  }
}

export function createStagedChangeMutations({ state }: ResolverDependencies, staged: StagedChanges): ResolverMap {
  return {
    environmentStageChanges: resolver<{ environmentId: string; input: unknown; merge?: boolean | null }>(
      ({ environmentId, input, merge }) => {
        const environment = state.requireEnvironment(environmentId);
        if (!isRecord(input)) throw new RailwayApiError("input must be an EnvironmentConfig object");
        staged.stage(environmentId, input as EnvironmentPatchShape, merge ?? false);
        const now = state.now();
        return {
          id: state.nextId("patch"),
          status: "STAGED",
          environmentId,
          environment: { ...environment },
          createdAt: now,
          updatedAt: now,
        };
      },
    ),
    environmentPatchCommit: resolver<{ environmentId: string; patch?: unknown }>(({ environmentId, patch }) => {
      if (!isRecord(patch)) throw new RailwayApiError("patch must be an EnvironmentConfig object");
      staged.apply(environmentId, patch as EnvironmentPatchShape, false);
      return state.nextId("patch");
    }),
    environmentPatchCommitStaged: resolver<{ environmentId: string; skipDeploys?: boolean | null }>(
      ({ environmentId, skipDeploys }) => {
        staged.commit(environmentId, skipDeploys ?? false);
        return state.nextId("patch");
      },
    ),
  };
}
