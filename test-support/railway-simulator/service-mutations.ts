import { defaultServiceInstanceSettings, type ServiceRecord } from "./records.js";
import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import {
  applyServiceInstanceUpdate,
  toSourceSettings,
  type ServiceInstanceUpdateInput,
  type ServiceSourceInput,
} from "./service-settings.js";
import { RailwayApiError, type SimulatorState } from "./state.js";
import { toVariableMap, writeVariables } from "./variables.js";

interface ServiceCreateInput {
  projectId: string;
  name?: string | null;
  environmentId?: string | null;
  source?: ServiceSourceInput | null;
  branch?: string | null;
  icon?: string | null;
  variables?: unknown;
}

interface ServiceConnectInput {
  image?: string | null;
  repo?: string | null;
  branch?: string | null;
}

const DEFAULT_BRANCH = "main";

/** Railway names an unnamed service after its image or repo (`nginx:1.27` → `nginx`, `org/app` → `app`). */
function defaultServiceName(source: ServiceSourceInput | null | undefined): string {
  const origin = source?.repo ?? source?.image;
  if (!origin) return "service";
  const lastSegment = origin.split("/").at(-1) ?? origin;
  return lastSegment.split(/[:@]/)[0] || "service";
}

/** Points every deployment trigger of the service at `repository` (creating them where missing). */
function connectRepository(
  state: SimulatorState,
  service: ServiceRecord,
  environmentIds: readonly string[],
  repository: string,
  branch: string | null | undefined,
): void {
  for (const environmentId of environmentIds) {
    const [existing] = state.findDeploymentTriggers(environmentId, service.id);
    if (existing) {
      existing.repository = repository;
      existing.branch = branch ?? existing.branch;
      continue;
    }
    state.createDeploymentTrigger({
      projectId: service.projectId,
      environmentId,
      serviceId: service.id,
      repository,
      branch: branch ?? DEFAULT_BRANCH,
    });
  }
}

export function createServiceMutations({ state, views }: ResolverDependencies): ResolverMap {
  const liveInstancesOf = (serviceId: string) =>
    [...state.serviceInstances.values()].filter(
      (i) =>
        i.serviceId === serviceId &&
        i.deletedAt === null &&
        state.environments.get(i.environmentId)?.deletedAt === null,
    );

  return {
    serviceCreate: resolver<{ input: ServiceCreateInput }>(({ input }) => {
      const project = state.requireProject(input.projectId);
      const target = input.environmentId
        ? state.requireEnvironment(input.environmentId, project.id)
        : undefined;
      // A fork (ephemeral environment) gets the service alone; otherwise every non-fork environment does.
      const environments = target?.isEphemeral
        ? [target]
        : state.liveEnvironments(project.id).filter((e) => !e.isEphemeral);
      const name =
        input.name ?? state.uniqueName("service", project.id, defaultServiceName(input.source));
      if (name.trim() === "") throw new RailwayApiError("Name cannot be empty");
      state.assertNameAvailable("service", project.id, name);
      const variables =
        input.variables === undefined || input.variables === null
          ? undefined
          : toVariableMap(input.variables);

      const service = state.createService({ projectId: project.id, name, icon: input.icon });
      const source = toSourceSettings(
        input.source,
        input.source?.repo ? (input.branch ?? DEFAULT_BRANCH) : null,
      );
      for (const environment of environments) {
        const instance = state.createServiceInstance(environment.id, service.id, {
          ...defaultServiceInstanceSettings(),
          source,
        });
        // Railway fans the instances out asynchronously (alchemy retries 8×1 s).
        instance.hiddenReads = state.instanceVisibilityLag;
      }
      const environmentIds = environments.map((e) => e.id);
      if (source?.repo)
        connectRepository(state, service, environmentIds, source.repo, input.branch);
      if (variables) {
        for (const environmentId of target ? [target.id] : environmentIds) {
          writeVariables(state, environmentId, service.id, variables, { replace: false });
        }
      }
      // Railway builds and deploys a service created with a source at once (wasp-lang/wasp
      // PR #4712, railwayapp/railway-skills service SKILL.md); with an environment named, the
      // simulator deploys it there only. Without a source there is nothing to deploy.
      if (source) {
        for (const environmentId of target ? [target.id] : environmentIds)
          state.startDeploy(environmentId, service.id);
      }
      return views.service(service);
    }),

    serviceUpdate: resolver<{ id: string; input: { name?: string | null; icon?: string | null } }>(
      ({ id, input }) => {
        const service = state.requireService(id);
        if (typeof input.name === "string" && input.name !== service.name) {
          if (input.name.trim() === "") throw new RailwayApiError("Name cannot be empty");
          state.assertNameAvailable("service", service.projectId, input.name, id);
          service.name = input.name;
        }
        if ("icon" in input) service.icon = input.icon ?? null;
        service.updatedAt = state.now();
        return views.service(service);
      },
    ),

    serviceConnect: resolver<{ id: string; input: ServiceConnectInput }>(({ id, input }) => {
      const service = state.requireService(id);
      const source = toSourceSettings(
        input.image ? { image: input.image } : { repo: input.repo ?? null },
        input.branch ?? DEFAULT_BRANCH,
      );
      if (!source) throw new RailwayApiError("Either an image or a repo is required");
      const instances = liveInstancesOf(id);
      for (const instance of instances) {
        instance.source = { ...source };
        instance.updatedAt = state.now();
      }
      for (const instance of instances) state.startDeploy(instance.environmentId, id);
      if (source.repo) {
        connectRepository(
          state,
          service,
          instances.map((i) => i.environmentId),
          source.repo,
          input.branch,
        );
      } else {
        for (const trigger of [...state.deploymentTriggers.values()]) {
          if (trigger.serviceId === id) state.deploymentTriggers.delete(trigger.id);
        }
      }
      return views.service(service);
    }),

    /**
     * Schema, `serviceDelete.environmentId`: "If the environment is a forked environment, the
     * service will only be deleted in the specified environment, otherwise it will deleted in all
     * environments that are not forks of other environments".
     */
    serviceDelete: resolver<{ id: string; environmentId?: string | null }>(
      ({ id, environmentId }) => {
        const environment = environmentId ? state.requireEnvironment(environmentId) : undefined;
        if (!environment?.isEphemeral) {
          state.softDeleteService(id);
          return true;
        }
        state.requireService(id);
        state.requireServiceInstance(environment.id, id);
        state.detachServiceFromEnvironment(environment.id, id);
        return true;
      },
    ),

    serviceInstanceUpdate: resolver<{
      serviceId: string;
      environmentId?: string | null;
      input: ServiceInstanceUpdateInput;
    }>(({ serviceId, environmentId, input }) => {
      state.requireService(serviceId);
      const instances = environmentId
        ? [state.requireServiceInstance(environmentId, serviceId)]
        : liveInstancesOf(serviceId);
      for (const instance of instances) applyServiceInstanceUpdate(instance, input, state.now());
      return true;
    }),

    serviceInstanceDeployV2: resolver<{ serviceId: string; environmentId: string }>(
      ({ serviceId, environmentId }) => {
        state.requireService(serviceId);
        return state.startDeploy(environmentId, serviceId).id;
      },
    ),

    serviceInstanceRedeploy: resolver<{ serviceId: string; environmentId: string }>(
      ({ serviceId, environmentId }) => {
        state.requireService(serviceId);
        state.startDeploy(environmentId, serviceId);
        return true;
      },
    ),
  };
}
