import { toConnection, type ConnectionArgs } from "./connections.js";
import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import { notFound, serviceInstanceKey } from "./state.js";
import { renderVariables } from "./variables.js";

/** Query root fields. By-id reads return soft-deleted records (with `deletedAt`); lists skip them. */
export function createQueryResolvers({ state, views }: ResolverDependencies): ResolverMap {
  return {
    project: resolver<{ id: string }>(({ id }) => {
      const project = state.projects.get(id);
      if (!project) throw notFound("Project");
      return views.project(project);
    }),

    projects: resolver<
      ConnectionArgs & { workspaceId?: string | null; includeDeleted?: boolean | null }
    >((args) => {
      const projects = args.includeDeleted
        ? [...state.projects.values()].filter(
            (p) => !args.workspaceId || p.workspaceId === args.workspaceId,
          )
        : state.liveProjects(args.workspaceId);
      return toConnection(projects, args, (p) => views.project(p));
    }),

    environment: resolver<{ id: string; projectId?: string | null }>(({ id, projectId }) => {
      const environment = state.environments.get(id);
      if (!environment || (projectId && environment.projectId !== projectId))
        throw notFound("Environment");
      return views.environment(environment);
    }),

    environments: resolver<ConnectionArgs & { projectId: string; isEphemeral?: boolean | null }>(
      (args) => {
        if (!state.projects.has(args.projectId)) throw notFound("Project");
        const environments = state
          .liveEnvironments(args.projectId)
          .filter(
            (e) => typeof args.isEphemeral !== "boolean" || e.isEphemeral === args.isEphemeral,
          );
        return toConnection(environments, args, (e) => views.environment(e));
      },
    ),

    service: resolver<{ id: string }>(({ id }) => {
      const service = state.services.get(id);
      if (!service) throw notFound("Service");
      return views.service(service);
    }),

    /** A soft-deleted instance still reads (with deletedAt); a new one stays "not found" for `instanceVisibilityLag` reads. */
    serviceInstance: resolver<{ environmentId: string; serviceId: string }>(
      ({ environmentId, serviceId }) => {
        const instance = state.serviceInstances.get(serviceInstanceKey(environmentId, serviceId));
        if (!instance || (instance.deletedAt === null && !state.observeInstance(instance)))
          throw notFound("ServiceInstance");
        return views.serviceInstance(instance);
      },
    ),

    deploymentTriggers: resolver<
      ConnectionArgs & { projectId: string; environmentId: string; serviceId: string }
    >((args) => {
      const triggers = [...state.deploymentTriggers.values()].filter(
        (t) =>
          t.projectId === args.projectId &&
          t.environmentId === args.environmentId &&
          t.serviceId === args.serviceId,
      );
      return toConnection(triggers, args, (t) => views.deploymentTrigger(t));
    }),

    /** Deleted proxies are listed too, with deletedAt and syncStatus DELETING (CLI `tcp_proxy.rs` `is_live_tcp_proxy` filters them). */
    tcpProxies: resolver<{ environmentId: string; serviceId: string }>(
      ({ environmentId, serviceId }) => {
        const environment = state.requireEnvironment(environmentId);
        state.requireService(serviceId, environment.projectId);
        return state.findTcpProxies(environmentId, serviceId).map((proxy) => views.tcpProxy(proxy));
      },
    ),

    variables: resolver<{
      projectId: string;
      environmentId: string;
      serviceId?: string | null;
      unrendered?: boolean | null;
    }>(({ projectId, environmentId, serviceId, unrendered }) => {
      state.requireEnvironment(environmentId, projectId);
      if (serviceId) state.requireService(serviceId, projectId);
      const scope = serviceId ?? null;
      return unrendered
        ? state.getVariables(environmentId, scope)
        : renderVariables(state, projectId, environmentId, scope);
    }),

    volumeInstance: resolver<{ id: string }>(({ id }) => {
      const volumeInstance = state.volumeInstances.get(id);
      if (!volumeInstance) throw notFound("VolumeInstance");
      return views.volumeInstance(volumeInstance);
    }),

    domains: resolver<{ projectId: string; environmentId: string; serviceId: string }>(
      ({ projectId, environmentId, serviceId }) => {
        state.requireEnvironment(environmentId, projectId);
        state.requireService(serviceId, projectId);
        return views.domains(environmentId, serviceId);
      },
    ),

    deployment: resolver<{ id: string }>(({ id }) => {
      const deployment = state.deployments.get(id);
      if (!deployment) throw notFound("Deployment");
      return views.deployment(state.observeDeployment(deployment));
    }),

    deployments: resolver<
      ConnectionArgs & {
        input: {
          projectId?: string | null;
          environmentId?: string | null;
          serviceId?: string | null;
        };
      }
    >((args) => {
      const { projectId, environmentId, serviceId } = args.input;
      // A deployment just started shows after `deployVisibilityLag` reads here too, and each
      // listing is a status read of what it lists (it advances them like `deployment(id)`).
      const hidden = new Set<string>();
      for (const instance of state.serviceInstances.values()) {
        if (
          instance.deployHiddenReads > 0 &&
          instance.latestDeploymentId &&
          (!serviceId || instance.serviceId === serviceId)
        ) {
          hidden.add(instance.latestDeploymentId);
          instance.deployHiddenReads -= 1;
        }
      }
      const deployments = [...state.deployments.values()]
        .filter(
          (d) =>
            !hidden.has(d.id) &&
            (!projectId || d.projectId === projectId) &&
            (!environmentId || d.environmentId === environmentId) &&
            (!serviceId || d.serviceId === serviceId),
        )
        .reverse(); // newest first, like Railway
      return toConnection(deployments, args, (d) => views.deployment(state.observeDeployment(d)));
    }),
  };
}
