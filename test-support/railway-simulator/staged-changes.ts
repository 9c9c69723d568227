import { applyEnvironmentPatch, countPatchChanges, deepMerge, isRecord, type ConfigObject } from "./environment-config.js";
import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import { RailwayApiError, type SimulatorState } from "./state.js";

/**
 * Staged environment changes (`environmentStageChanges` + `environmentPatchCommitStaged`):
 * one staged patch per environment, which a commit applies whole (CLI
 * `src/controllers/template_apply.rs`: the commit takes "the environment's WHOLE staged patch").
 */
export class StagedChanges {
  private readonly staged = new Map<string, ConfigObject>();
  /** Every patch committed, in order, for tests to inspect. */
  readonly committed: Array<{ environmentId: string; patch: ConfigObject; skipDeploys: boolean }> = [];

  constructor(private readonly state: SimulatorState) {}

  unmergedChangesCount(environmentId: string): number {
    const patch = this.staged.get(environmentId);
    return patch ? countPatchChanges(patch) : 0;
  }

  /** Also how a test stages a human's pending dashboard edit. */
  stage(environmentId: string, patch: ConfigObject, merge = true): void {
    const current = merge ? (this.staged.get(environmentId) ?? {}) : {};
    this.staged.set(environmentId, deepMerge(current, patch));
  }

  /**
   * Nothing staged is an error: CLI `template_apply.rs` `staged_patch_is_nonempty`
   * treats an empty staged patch as "nothing to commit" (what Railway answers is
   * a simulator assumption, see DESIGN.md).
   */
  commit(environmentId: string, skipDeploys: boolean): void {
    const patch = this.staged.get(environmentId);
    if (!patch || countPatchChanges(patch) === 0) throw new RailwayApiError("No staged changes to commit");
    this.staged.delete(environmentId);
    this.committed.push({ environmentId, patch, skipDeploys });
    applyEnvironmentPatch(this.state, environmentId, patch, skipDeploys);
  }
}

export function createStagedChangeMutations({ state }: ResolverDependencies, staged: StagedChanges): ResolverMap {
  return {
    environmentStageChanges: resolver<{ environmentId: string; input: unknown; merge?: boolean | null }>(
      ({ environmentId, input, merge }) => {
        const environment = state.requireEnvironment(environmentId);
        if (!isRecord(input)) throw new RailwayApiError("input must be an EnvironmentConfig object");
        staged.stage(environmentId, input, merge ?? false);
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
    /** Applies at once, leaving the stage alone; it has no skipDeploys (schema), so it deploys what it changes. */
    environmentPatchCommit: resolver<{ environmentId: string; patch?: unknown }>(({ environmentId, patch }) => {
      if (!isRecord(patch)) throw new RailwayApiError("patch must be an EnvironmentConfig object");
      staged.committed.push({ environmentId, patch, skipDeploys: false });
      applyEnvironmentPatch(state, environmentId, patch, false);
      return state.nextId("patch");
    }),
    environmentPatchCommitStaged: resolver<{ environmentId: string; skipDeploys?: boolean | null }>(
      ({ environmentId, skipDeploys }) => {
        state.requireEnvironment(environmentId);
        staged.commit(environmentId, skipDeploys ?? false);
        return state.nextId("workflow");
      },
    ),
  };
}
