import {
  DEFAULT_REGION,
  RAILWAY_DOMAIN_SUFFIX,
  slug,
  type DeploymentTriggerRecord,
  type ServiceDomainRecord,
  type VolumeState,
} from "./records.js";
import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import { notFound, RailwayApiError, type SimulatorState } from "./state.js";
import { deployAffectedServices, toVariableMap, writeVariables } from "./variables.js";

interface VariableScopeInput {
  projectId: string;
  environmentId: string;
  serviceId?: string | null;
}

interface VolumeCreateInput {
  projectId: string;
  environmentId?: string | null;
  serviceId?: string | null;
  mountPath: string;
  region?: string | null;
}

interface VolumeInstanceUpdateInput {
  serviceId?: string | null;
  mountPath?: string | null;
  state?: VolumeState | null;
}

interface ServiceDomainUpdateInput {
  serviceDomainId: string;
  domain: string;
  environmentId: string;
  serviceId: string;
  targetPort?: number | null;
}

interface DeploymentTriggerCreateInput {
  projectId: string;
  environmentId: string;
  serviceId: string;
  provider: string;
  repository: string;
  branch: string;
  rootDirectory?: string | null;
  checkSuites?: boolean | null;
}

interface DeploymentTriggerUpdateInput {
  branch?: string | null;
  repository?: string | null;
  rootDirectory?: string | null;
  checkSuites?: boolean | null;
}

interface TcpProxyCreateInput {
  applicationPort: number;
  environmentId: string;
  serviceId: string;
}

const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Validates the scope of a variable write and returns the service id (`null` for shared variables). */
function requireVariableScope(state: SimulatorState, input: VariableScopeInput): string | null {
  state.requireProject(input.projectId);
  state.requireEnvironment(input.environmentId, input.projectId);
  if (!input.serviceId) return null;
  state.requireService(input.serviceId, input.projectId);
  return input.serviceId;
}

function requireMountPath(mountPath: string): string {
  if (!mountPath.startsWith("/")) throw new RailwayApiError("Mount path must be an absolute path");
  return mountPath;
}

function requireServiceDomain(state: SimulatorState, id: string): ServiceDomainRecord {
  const domain = state.serviceDomains.get(id);
  if (!domain || domain.deletedAt !== null) throw notFound("Service domain");
  return domain;
}

function requireDeploymentTrigger(state: SimulatorState, id: string): DeploymentTriggerRecord {
  const trigger = state.deploymentTriggers.get(id);
  if (!trigger) throw notFound("Deployment trigger");
  return trigger;
}

export function createResourceMutations({ state, views }: ResolverDependencies): ResolverMap {
  return {
    variableCollectionUpsert: resolver<{
      input: VariableScopeInput & {
        variables: unknown;
        replace?: boolean | null;
        skipDeploys?: boolean | null;
      };
    }>(({ input }) => {
      const serviceId = requireVariableScope(state, input);
      writeVariables(state, input.environmentId, serviceId, toVariableMap(input.variables), {
        replace: input.replace ?? false,
      });
      if (!input.skipDeploys) deployAffectedServices(state, input.environmentId, serviceId);
      return true;
    }),

    variableUpsert: resolver<{
      input: VariableScopeInput & { name: string; value: string; skipDeploys?: boolean | null };
    }>(({ input }) => {
      const serviceId = requireVariableScope(state, input);
      writeVariables(
        state,
        input.environmentId,
        serviceId,
        { [input.name]: input.value },
        { replace: false },
      );
      if (!input.skipDeploys) deployAffectedServices(state, input.environmentId, serviceId);
      return true;
    }),

    variableDelete: resolver<{ input: VariableScopeInput & { name: string } }>(({ input }) => {
      const serviceId = requireVariableScope(state, input);
      state.deleteVariable(input.projectId, input.environmentId, serviceId, input.name);
      // Railway offers no skipDeploys here: a delete always redeploys what it affects.
      deployAffectedServices(state, input.environmentId, serviceId);
      return true;
    }),

    volumeCreate: resolver<{ input: VolumeCreateInput }>(({ input }) => {
      state.requireProject(input.projectId);
      const service = input.serviceId
        ? state.requireService(input.serviceId, input.projectId)
        : undefined;
      const mountPath = requireMountPath(input.mountPath);
      // Railway's schema: explicit null → no environment; omitted → every environment.
      const environments =
        "environmentId" in input
          ? input.environmentId
            ? [state.requireEnvironment(input.environmentId, input.projectId)]
            : []
          : state.liveEnvironments(input.projectId);
      const volume = state.createVolume(
        {
          projectId: input.projectId,
          name: state.uniqueName(
            "volume",
            input.projectId,
            service ? `${slug(service.name)}-volume` : "volume",
          ),
        },
        environments.map((environment) => {
          const attached =
            service && state.findServiceInstance(environment.id, service.id)?.deletedAt === null;
          return {
            environmentId: environment.id,
            serviceId: attached ? service.id : null,
            mountPath,
            region: input.region ?? DEFAULT_REGION,
          };
        }),
      );
      return views.volume(volume);
    }),

    volumeUpdate: resolver<{ volumeId: string; input: { name?: string | null } }>(
      ({ volumeId, input }) => {
        const volume = state.requireVolume(volumeId);
        if (input.name && input.name !== volume.name) {
          state.assertNameAvailable("volume", volume.projectId, input.name, volumeId);
          volume.name = input.name;
          volume.updatedAt = state.now();
        }
        return views.volume(volume);
      },
    ),

    volumeInstanceUpdate: resolver<{
      volumeId: string;
      environmentId?: string | null;
      input: VolumeInstanceUpdateInput;
    }>(({ volumeId, environmentId, input }) => {
      const volume = state.requireVolume(volumeId);
      const [volumeInstance] = state
        .liveVolumeInstances({ volumeId })
        .filter((vi) => !environmentId || vi.environmentId === environmentId);
      if (!volumeInstance) throw notFound("VolumeInstance");
      // Railway's schema documents that leaving serviceId out disconnects the volume.
      volumeInstance.serviceId = input.serviceId
        ? state.requireService(input.serviceId, volume.projectId).id
        : null;
      if (input.mountPath) volumeInstance.mountPath = requireMountPath(input.mountPath);
      if (input.state) volumeInstance.state = input.state;
      return true;
    }),

    /** Schema: "Delete a persistent volume in a project": every environment's instance goes with it. */
    volumeDelete: resolver<{ volumeId: string }>(({ volumeId }) => {
      state.softDeleteVolume(volumeId);
      return true;
    }),

    serviceDomainCreate: resolver<{
      input: { environmentId: string; serviceId: string; targetPort?: number | null };
    }>(({ input }) => {
      const environment = state.requireEnvironment(input.environmentId);
      const service = state.requireService(input.serviceId, environment.projectId);
      // alchemy ServiceDomain.ts retries this "ServiceInstance not found" right after serviceCreate.
      if (!state.observeInstance(state.findServiceInstance(environment.id, service.id)))
        throw notFound("ServiceInstance");
      return views.serviceDomain(
        state.createServiceDomain(environment, service, input.targetPort ?? null),
      );
    }),

    serviceDomainUpdate: resolver<{ input: ServiceDomainUpdateInput }>(({ input }) => {
      const domain = requireServiceDomain(state, input.serviceDomainId);
      if (domain.environmentId !== input.environmentId || domain.serviceId !== input.serviceId) {
        throw notFound("Service domain");
      }
      const label = input.domain.endsWith(`.${RAILWAY_DOMAIN_SUFFIX}`)
        ? input.domain.slice(0, -(RAILWAY_DOMAIN_SUFFIX.length + 1))
        : undefined;
      if (label === undefined || !DOMAIN_LABEL.test(label))
        throw new RailwayApiError("Invalid domain");
      const taken = [...state.serviceDomains.values()].some(
        (d) => d.domain === input.domain && d.id !== domain.id && d.deletedAt === null,
      );
      if (taken) throw new RailwayApiError("Domain is not available");
      domain.domain = input.domain;
      if ("targetPort" in input) domain.targetPort = input.targetPort ?? null;
      domain.updatedAt = state.now();
      return true;
    }),

    /** Soft delete: the domain keeps coming back from `domains` with deletedAt and syncStatus DELETING (alchemy ServiceDomain.ts filters these). */
    serviceDomainDelete: resolver<{ id: string }>(({ id }) => {
      const domain = requireServiceDomain(state, id);
      domain.deletedAt = state.now();
      domain.syncStatus = "DELETING";
      return true;
    }),

    /**
     * One proxy per service instance: CLI `tcp_proxy.rs` `existing_proxy_for_create` returns the
     * proxy already on that port and refuses another ("Only one TCP proxy is allowed per service
     * instance"); application ports are 1-65535 (`validate_application_port`).
     */
    tcpProxyCreate: resolver<{ input: TcpProxyCreateInput }>(({ input }) => {
      const environment = state.requireEnvironment(input.environmentId);
      const service = state.requireService(input.serviceId, environment.projectId);
      state.requireServiceInstance(environment.id, service.id);
      if (
        !Number.isInteger(input.applicationPort) ||
        input.applicationPort < 1 ||
        input.applicationPort > 65_535
      ) {
        throw new RailwayApiError("application_port must be a number from 1 to 65535");
      }
      const [existing] = state
        .findTcpProxies(environment.id, service.id)
        .filter((proxy) => proxy.deletedAt === null);
      if (existing?.applicationPort === input.applicationPort) return views.tcpProxy(existing);
      if (existing) throw new RailwayApiError("Only one TCP proxy is allowed per service instance");
      return views.tcpProxy(state.addTcpProxy(environment.id, service.id, input.applicationPort));
    }),

    /** Soft delete, as for service domains: CLI `tcp_proxy.rs` `delete_tcp_proxy` re-reads and filters deleted proxies. */
    tcpProxyDelete: resolver<{ id: string }>(({ id }) => {
      const proxy = state.tcpProxies.get(id);
      if (!proxy || proxy.deletedAt !== null) throw notFound("TCP proxy");
      proxy.deletedAt = state.now();
      proxy.updatedAt = proxy.deletedAt;
      proxy.syncStatus = "DELETING";
      return true;
    }),

    deploymentTriggerCreate: resolver<{ input: DeploymentTriggerCreateInput }>(({ input }) => {
      state.requireProject(input.projectId);
      state.requireEnvironment(input.environmentId, input.projectId);
      state.requireService(input.serviceId, input.projectId);
      const trigger = state.createDeploymentTrigger({
        projectId: input.projectId,
        environmentId: input.environmentId,
        serviceId: input.serviceId,
        provider: input.provider,
        repository: input.repository,
        branch: input.branch,
        rootDirectory: input.rootDirectory,
        checkSuites: input.checkSuites ?? undefined,
      });
      return views.deploymentTrigger(trigger);
    }),

    deploymentTriggerUpdate: resolver<{ id: string; input: DeploymentTriggerUpdateInput }>(
      ({ id, input }) => {
        const trigger = requireDeploymentTrigger(state, id);
        if (input.branch) trigger.branch = input.branch;
        if (input.repository) trigger.repository = input.repository;
        if ("rootDirectory" in input) trigger.rootDirectory = input.rootDirectory ?? null;
        if (typeof input.checkSuites === "boolean") trigger.checkSuites = input.checkSuites;
        return views.deploymentTrigger(trigger);
      },
    ),

    deploymentTriggerDelete: resolver<{ id: string }>(({ id }) => {
      requireDeploymentTrigger(state, id);
      state.deploymentTriggers.delete(id);
      return true;
    }),
  };
}
