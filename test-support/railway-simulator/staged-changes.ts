import {
  applyEnvironmentPatch,
  countPatchChanges,
  deepMerge,
  isRecord,
  type ConfigObject,
} from "./environment-config.js";
import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import type { EnvironmentPatchRecord } from "./records.js";
import { notFound, RailwayApiError, type SimulatorState } from "./state.js";

/**
 * Staged environment changes (`environmentStageChanges` + `environmentPatchCommitStaged`):
 * one staged patch per environment, which a commit applies whole (CLI
 * `src/controllers/template_apply.rs`: the commit takes "the environment's WHOLE staged patch").
 */
export class StagedChanges {
  private readonly staged = new Map<string, ConfigObject>();
  /** Every patch committed, in order, for tests to inspect. */
  readonly committed: Array<{ environmentId: string; patch: ConfigObject; skipDeploys: boolean }> =
    [];

  constructor(private readonly state: SimulatorState) {}

  unmergedChangesCount(environmentId: string): number {
    const patch = this.staged.get(environmentId);
    return patch ? countPatchChanges(patch) : 0;
  }

  /**
   * Also how a test stages a human's pending dashboard edit. Returns the environment's staged
   * patch record: merging into a stage keeps its patch (assumption: one EnvironmentPatch per
   * stage, as the CLI keeps one staged patch per environment).
   */
  stage(environmentId: string, patch: ConfigObject, merge = true): EnvironmentPatchRecord {
    const current = merge ? (this.staged.get(environmentId) ?? {}) : {};
    this.staged.set(environmentId, deepMerge(current, patch));
    return this.stagedRecord(environmentId);
  }

  private stagedRecord(environmentId: string): EnvironmentPatchRecord {
    const existing = [...this.state.environmentPatches.values()].find(
      (record) => record.environmentId === environmentId && record.status === "STAGED",
    );
    if (existing) return existing;
    const now = this.state.now();
    const record: EnvironmentPatchRecord = {
      id: this.state.nextId("patch"),
      environmentId,
      status: "STAGED",
      lastAppliedError: null,
      applyingReads: 0,
      createdAt: now,
      updatedAt: now,
      appliedAt: null,
    };
    this.state.environmentPatches.set(record.id, record);
    return record;
  }

  /**
   * Railway applies a committed patch asynchronously (the commit answers with a workflow id);
   * a patch connecting a repository its GitHub app cannot read fails there, and only
   * `environmentPatch.lastAppliedError` says so (docs `deployments/github-autodeploys.md` for
   * the requirement). Here the config changes at once; the record shows APPLYING for
   * `patchApplyingReads` reads.
   */
  private unreadableRepository(patch: ConfigObject): string | undefined {
    const services = isRecord(patch.services) ? Object.values(patch.services) : [];
    return services
      .map((service) =>
        isRecord(service) && isRecord(service.source) ? service.source.repo : undefined,
      )
      .find(
        (repo): repo is string =>
          typeof repo === "string" && this.state.reposWithoutAppAccess.has(repo),
      );
  }

  /**
   * Nothing staged is an error: CLI `template_apply.rs` `staged_patch_is_nonempty`
   * treats an empty staged patch as "nothing to commit" (what Railway answers is
   * a simulator assumption, see DESIGN.md).
   */
  commit(environmentId: string, skipDeploys: boolean): void {
    const patch = this.staged.get(environmentId);
    if (!patch || countPatchChanges(patch) === 0)
      throw new RailwayApiError("No staged changes to commit");
    const record = this.stagedRecord(environmentId);
    record.updatedAt = this.state.now();
    const unreadable = this.unreadableRepository(patch);
    if (unreadable) {
      record.lastAppliedError = `Repository ${unreadable} not found or Railway's GitHub app has no access to it`;
      return;
    }
    this.staged.delete(environmentId);
    this.committed.push({ environmentId, patch, skipDeploys });
    applyEnvironmentPatch(this.state, environmentId, patch, skipDeploys);
    record.lastAppliedError = null;
    record.appliedAt = this.state.now();
    record.applyingReads = this.state.patchApplyingReads;
    record.status = record.applyingReads > 0 ? "APPLYING" : "COMMITTED";
  }

  /** A read of a patch record: APPLYING turns COMMITTED after `patchApplyingReads` reads. */
  observe(record: EnvironmentPatchRecord): EnvironmentPatchRecord {
    if (record.status === "APPLYING") {
      if (record.applyingReads > 0) record.applyingReads -= 1;
      else record.status = "COMMITTED";
    }
    return record;
  }
}

export function createStagedChangeMutations(
  { state }: ResolverDependencies,
  staged: StagedChanges,
): ResolverMap {
  return {
    environmentStageChanges: resolver<{
      environmentId: string;
      input: unknown;
      merge?: boolean | null;
    }>(({ environmentId, input, merge }) => {
      const environment = state.requireEnvironment(environmentId);
      if (!isRecord(input)) throw new RailwayApiError("input must be an EnvironmentConfig object");
      const record = staged.stage(environmentId, input, merge ?? false);
      return { ...record, environment: { ...environment } };
    }),
    /** Applies at once, leaving the stage alone; it has no skipDeploys (schema), so it deploys what it changes. */
    environmentPatchCommit: resolver<{ environmentId: string; patch?: unknown }>(
      ({ environmentId, patch }) => {
        if (!isRecord(patch))
          throw new RailwayApiError("patch must be an EnvironmentConfig object");
        staged.committed.push({ environmentId, patch, skipDeploys: false });
        applyEnvironmentPatch(state, environmentId, patch, false);
        return state.nextId("patch");
      },
    ),
    environmentPatchCommitStaged: resolver<{ environmentId: string; skipDeploys?: boolean | null }>(
      ({ environmentId, skipDeploys }) => {
        state.requireEnvironment(environmentId);
        staged.commit(environmentId, skipDeploys ?? false);
        return state.nextId("workflow");
      },
    ),
  };
}

/** Query root fields of staged changes: `environmentPatch(id)`, a patch as it stands now (see `StagedChanges.observe`). */
export function createEnvironmentPatchQueries(
  { state }: ResolverDependencies,
  staged: StagedChanges,
): ResolverMap {
  return {
    environmentPatch: resolver<{ id: string }>(({ id }) => {
      const record = state.environmentPatches.get(id);
      if (!record) throw notFound("EnvironmentPatch");
      const environment = state.requireEnvironment(record.environmentId);
      return {
        ...staged.observe(record),
        environment: { ...environment },
        message: null,
        patch: {},
        appliedBy: null,
      };
    }),
  };
}
