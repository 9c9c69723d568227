import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import { notFound } from "./state.js";

interface EstimatedUsageArgs {
  measurements: string[];
  projectId?: string | null;
  workspaceId?: string | null;
  includeDeleted?: boolean | null;
}

/**
 * `estimatedUsage`: one row per requested measurement and project (schema `EstimatedUsage`
 * carries `projectId`; the CLI sums the rows of a measurement, railwayapp/cli
 * `src/commands/usage.rs` `sum_estimated`), in the units the CLI prices (GB-minutes, vCPU-minutes,
 * GB). The quantities are what a test sets in `state.estimatedUsage`; a project without any
 * answers 0. Deleted projects only with `includeDeleted` (docs reference/project-usage.md: a
 * deleted project's usage stays on the bill). Without a project or a workspace, the simulator's
 * own workspace (the schema's `usage` says "the current user").
 */
export function createUsageQueries({ state }: ResolverDependencies): ResolverMap {
  const projectsIn = ({ projectId, workspaceId }: EstimatedUsageArgs) => {
    if (!projectId)
      return [...state.projects.values()].filter(
        (project) => project.workspaceId === (workspaceId ?? state.workspaceId),
      );
    const project = state.projects.get(projectId);
    if (!project) throw notFound("Project");
    return [project];
  };
  return {
    estimatedUsage: resolver<EstimatedUsageArgs>((args) => {
      const { measurements, includeDeleted } = args;
      const projects = projectsIn(args).filter(
        (project) => includeDeleted || project.deletedAt === null,
      );
      return projects.flatMap((project) =>
        measurements.map((measurement) => ({
          measurement,
          estimatedValue: state.estimatedUsage.get(project.id)?.[measurement] ?? 0,
          projectId: project.id,
        })),
      );
    }),
  };
}
