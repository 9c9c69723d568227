import { defaultServiceInstanceSettings, pickSettings, type EnvironmentRecord } from "./records.js";
import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import { RailwayApiError, variableScopeKey, type SimulatorState } from "./state.js";

interface ProjectCreateInput {
  name?: string | null;
  description?: string | null;
  defaultEnvironmentName?: string | null;
  workspaceId?: string | null;
  isPublic?: boolean | null;
  prDeploys?: boolean | null;
}

interface ProjectUpdateInput {
  name?: string | null;
  description?: string | null;
  baseEnvironmentId?: string | null;
  isPublic?: boolean | null;
  prDeploys?: boolean | null;
  botPrEnvironments?: boolean | null;
  focusedPrEnvironments?: boolean | null;
}

interface EnvironmentCreateInput {
  name: string;
  projectId: string;
  ephemeral?: boolean | null;
  sourceEnvironmentId?: string | null;
  skipInitialDeploys?: boolean | null;
  stageInitialChanges?: boolean | null;
}

function requireNonEmptyName(name: string): string {
  if (name.trim() === "") throw new RailwayApiError("Name cannot be empty");
  return name;
}

/**
 * Copies a source environment into a new one (schema, `EnvironmentCreateInput.sourceEnvironmentId`:
 * "Create the environment with all of the services, volumes, configuration, and variables from this
 * source environment"): instance settings, variables, volume mounts and triggers.
 */
function copyEnvironment(
  state: SimulatorState,
  environment: EnvironmentRecord,
  source: EnvironmentRecord,
): void {
  // A service that so far lives only in forks stays there, unless the source is such a fork.
  const inheritedServices = state.liveServices(environment.projectId).filter((service) =>
    [...state.serviceInstances.values()].some((instance) => {
      if (instance.serviceId !== service.id || instance.deletedAt !== null) return false;
      const home = state.environments.get(instance.environmentId);
      return home?.deletedAt === null && (!home.isEphemeral || home.id === source.id);
    }),
  );
  for (const service of inheritedServices) {
    const sourceInstance = state.findServiceInstance(source.id, service.id);
    const copyFrom = sourceInstance?.deletedAt === null ? sourceInstance : undefined;
    state.createServiceInstance(
      environment.id,
      service.id,
      copyFrom ? pickSettings(copyFrom) : defaultServiceInstanceSettings(),
    );
  }
  for (const serviceId of [null, ...inheritedServices.map((s) => s.id)]) {
    const variables = state.getVariables(source.id, serviceId);
    if (Object.keys(variables).length > 0)
      state.variables.set(variableScopeKey(environment.id, serviceId), variables);
  }
  for (const volumeInstance of state.liveVolumeInstances({ environmentId: source.id })) {
    const copy = {
      ...volumeInstance,
      id: state.nextId("vi"),
      environmentId: environment.id,
      createdAt: state.now(),
    };
    state.volumeInstances.set(copy.id, copy);
  }
  for (const trigger of [...state.deploymentTriggers.values()].filter(
    (t) => t.environmentId === source.id,
  )) {
    const copy = {
      ...trigger,
      id: state.nextId("trg"),
      environmentId: environment.id,
      createdAt: state.now(),
    };
    state.deploymentTriggers.set(copy.id, copy);
  }
}

export function createProjectMutations({ state, views }: ResolverDependencies): ResolverMap {
  return {
    projectCreate: resolver<{ input: ProjectCreateInput }>(({ input }) => {
      const workspaceId = input.workspaceId ?? state.workspaceId;
      if (workspaceId !== state.workspaceId) throw new RailwayApiError("Workspace not found");
      const project = state.createProject({
        name: input.name ? requireNonEmptyName(input.name) : undefined,
        description: input.description,
        isPublic: input.isPublic ?? undefined,
        prDeploys: input.prDeploys ?? undefined,
      });
      state.createEnvironment({
        projectId: project.id,
        name: input.defaultEnvironmentName ?? "production",
      });
      return views.project(project);
    }),

    projectUpdate: resolver<{ id: string; input: ProjectUpdateInput }>(({ id, input }) => {
      const project = state.requireProject(id);
      if (input.name) project.name = requireNonEmptyName(input.name);
      if ("description" in input) project.description = input.description ?? null;
      if (input.baseEnvironmentId)
        project.baseEnvironmentId = state.requireEnvironment(input.baseEnvironmentId, id).id;
      if (typeof input.isPublic === "boolean") project.isPublic = input.isPublic;
      if (typeof input.prDeploys === "boolean") project.prDeploys = input.prDeploys;
      if (typeof input.botPrEnvironments === "boolean")
        project.botPrEnvironments = input.botPrEnvironments;
      if (typeof input.focusedPrEnvironments === "boolean")
        project.focusedPrEnvironments = input.focusedPrEnvironments;
      project.updatedAt = state.now();
      return views.project(project);
    }),

    projectDelete: resolver<{ id: string }>(({ id }) => {
      state.softDeleteProject(id);
      return true;
    }),

    environmentCreate: resolver<{ input: EnvironmentCreateInput }>(({ input }) => {
      state.requireProject(input.projectId);
      const name = requireNonEmptyName(input.name);
      state.assertNameAvailable("environment", input.projectId, name);
      const source = input.sourceEnvironmentId
        ? state.requireEnvironment(input.sourceEnvironmentId, input.projectId)
        : undefined;
      const environment = state.createEnvironment({
        projectId: input.projectId,
        name,
        isEphemeral: input.ephemeral ?? false,
        sourceEnvironmentId: source?.id ?? null,
      });
      // Without a source the environment starts empty (CLI src/commands/environment/new.rs:
      // "No duplication = empty environment").
      if (source) copyEnvironment(state, environment, source);
      return views.environment(environment);
    }),

    environmentRename: resolver<{ id: string; input: { name: string } }>(({ id, input }) => {
      const environment = state.requireEnvironment(id);
      const name = requireNonEmptyName(input.name);
      state.assertNameAvailable("environment", environment.projectId, name, id);
      environment.name = name;
      environment.updatedAt = state.now();
      return views.environment(environment);
    }),

    environmentDelete: resolver<{ id: string }>(({ id }) => {
      state.softDeleteEnvironment(id);
      return true;
    }),
  };
}
