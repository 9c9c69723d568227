import type { StagedChanges } from "./staged-changes.js";
import { toConnection, type ConnectionArgs } from "./connections.js";
import {
  RAILWAY_DOMAIN_SUFFIX,
  type DeploymentRecord,
  type DeploymentTriggerRecord,
  type EnvironmentRecord,
  type ProjectRecord,
  type ServiceDomainRecord,
  type ServiceInstanceRecord,
  type ServiceRecord,
  type TcpProxyRecord,
  type VolumeInstanceRecord,
  type VolumeRecord,
} from "./records.js";
import { environmentConfig } from "./environment-config.js";
import { notFound, type SimulatorState } from "./state.js";

/**
 * Turns store records into objects shaped like Railway's GraphQL types. graphql-js reads plain
 * properties and calls function properties with the field's arguments, which is how nested
 * connections and relations get resolved lazily against the current state.
 */
export class Views {
  constructor(
    private readonly state: SimulatorState,
    private readonly staged?: StagedChanges,
  ) {}

  project(record: ProjectRecord) {
    const { state } = this;
    return {
      ...record,
      teamId: record.workspaceId,
      isTempProject: false,
      expiredAt: null,
      featureFlags: [],
      members: [],
      workspace: () => this.workspace(record.workspaceId),
      primaryEnvironmentId: () =>
        state.liveEnvironments(record.id).find((e) => !e.isEphemeral)?.id ?? null,
      baseEnvironment: () => {
        const base = record.baseEnvironmentId
          ? state.environments.get(record.baseEnvironmentId)
          : undefined;
        return base ? this.environment(base) : null;
      },
      environments: (args: ConnectionArgs & { isEphemeral?: boolean | null }) => {
        const environments = state
          .liveEnvironments(record.id)
          .filter(
            (e) => typeof args.isEphemeral !== "boolean" || e.isEphemeral === args.isEphemeral,
          );
        return toConnection(environments, args, (e) => this.environment(e));
      },
      services: (args: ConnectionArgs) =>
        toConnection(state.liveServices(record.id), args, (s) => this.service(s)),
      volumes: (args: ConnectionArgs) =>
        toConnection(state.liveVolumes(record.id), args, (v) => this.volume(v)),
      deploymentTriggers: (args: ConnectionArgs) => {
        const triggers = [...state.deploymentTriggers.values()].filter(
          (t) => t.projectId === record.id,
        );
        return toConnection(triggers, args, (t) => this.deploymentTrigger(t));
      },
      deployments: (args: ConnectionArgs) => {
        const deployments = [...state.deployments.values()].filter(
          (d) => d.projectId === record.id,
        );
        return toConnection(deployments, args, (d) => this.deployment(d));
      },
    };
  }

  workspace(workspaceId: string) {
    const { state } = this;
    const customerId = state.customerIdOf(workspaceId);
    return {
      id: workspaceId,
      name: workspaceId,
      customer: {
        id: customerId,
        isUsageSubscriber: false,
        state: "ACTIVE",
        usageLimit: () => {
          const limit = state.usageLimits.get(customerId);
          return limit
            ? {
                id: `ul-${customerId}`,
                customerId,
                ...limit,
                isOverLimit: false,
                agentHardLimitCents: null,
                agentSoftLimitCents: null,
              }
            : null;
        },
      },
    };
  }

  environment(record: EnvironmentRecord) {
    const { state } = this;
    return {
      ...record,
      canAccess: true,
      meta: null,
      unmergedChangesCount: this.staged?.unmergedChangesCount(record.id) ?? 0,
      canvasGroupRefs: {},
      config: (args: { decryptVariables?: boolean | null }) =>
        environmentConfig(state, record.id, args.decryptVariables ?? false),
      sourceEnvironment: () => {
        const source = record.sourceEnvironmentId
          ? state.environments.get(record.sourceEnvironmentId)
          : undefined;
        return source ? this.environment(source) : null;
      },
      serviceInstances: (args: ConnectionArgs) =>
        toConnection(
          state
            .liveServiceInstances(record.id)
            .filter((instance) => state.observeInstance(instance)),
          args,
          (i) => this.serviceInstance(i),
        ),
      volumeInstances: (args: ConnectionArgs) =>
        toConnection(state.liveVolumeInstances({ environmentId: record.id }), args, (v) =>
          this.volumeInstance(v),
        ),
      deploymentTriggers: (args: ConnectionArgs) => {
        const triggers = [...state.deploymentTriggers.values()].filter(
          (t) => t.environmentId === record.id,
        );
        return toConnection(triggers, args, (t) => this.deploymentTrigger(t));
      },
      deployments: (args: ConnectionArgs) => {
        const deployments = [...state.deployments.values()].filter(
          (d) => d.environmentId === record.id,
        );
        return toConnection(deployments, args, (d) => this.deployment(d));
      },
    };
  }

  service(record: ServiceRecord) {
    const { state } = this;
    return {
      ...record,
      groupId: null,
      templateId: null,
      templateServiceId: null,
      templateThreadSlug: null,
      featureFlags: [],
      isRestricted: false,
      hasHiddenRegistryCredentialsFromTemplate: false,
      project: () => this.project(this.requireRecord(state.projects, record.projectId, "Project")),
      serviceInstances: (args: ConnectionArgs) => {
        const instances = [...state.serviceInstances.values()].filter(
          (i) => i.serviceId === record.id && i.deletedAt === null,
        );
        return toConnection(instances, args, (i) => this.serviceInstance(i));
      },
      repoTriggers: (args: ConnectionArgs) => {
        const triggers = [...state.deploymentTriggers.values()].filter(
          (t) => t.serviceId === record.id,
        );
        return toConnection(triggers, args, (t) => this.deploymentTrigger(t));
      },
      deployments: (args: ConnectionArgs) => {
        const deployments = [...state.deployments.values()].filter(
          (d) => d.serviceId === record.id,
        );
        return toConnection(deployments, args, (d) => this.deployment(d));
      },
    };
  }

  serviceInstance(record: ServiceInstanceRecord) {
    const { state } = this;
    const service = this.requireRecord(state.services, record.serviceId, "Service");
    return {
      ...record,
      source: record.source ? { ...record.source } : null,
      serviceName: service.name,
      isUpdatable: true,
      upstreamUrl: null,
      nextCronRunAt: null,
      edgeConfig: null,
      railpackInfo: null,
      activeDeployments: () => {
        const latest = state.observeLatestDeployment(record);
        return latest ? [this.deployment(latest)] : [];
      },
      latestDeployment: () => {
        const latest = state.observeLatestDeployment(record);
        return latest ? this.deployment(latest) : null;
      },
      service: () => this.service(service),
      domains: () => this.domains(record.environmentId, record.serviceId),
    };
  }

  domains(environmentId: string, serviceId: string) {
    return {
      serviceDomains: this.state
        .findServiceDomains(environmentId, serviceId)
        .map((d) => this.serviceDomain(d)),
      customDomains: [],
    };
  }

  serviceDomain(record: ServiceDomainRecord) {
    return {
      ...record,
      suffix: record.suffix || RAILWAY_DOMAIN_SUFFIX,
      edgeId: null,
      cdnMode: null,
      newDomainName: null,
      newHostLabel: null,
    };
  }

  tcpProxy(record: TcpProxyRecord) {
    return { ...record };
  }

  deploymentTrigger(record: DeploymentTriggerRecord) {
    return { ...record, baseEnvironmentOverrideId: null, validCheckSuites: 0 };
  }

  deployment(record: DeploymentRecord) {
    const { state } = this;
    const { config: _config, pollsLeft: _pollsLeft, outcome: _outcome, ...fields } = record;
    return {
      ...fields,
      statusUpdatedAt: record.updatedAt,
      canRedeploy: true,
      canRollback: false,
      deploymentStopped: false,
      creator: null,
      diagnosis: null,
      meta: null,
      snapshotId: null,
      staticUrl: null,
      url: null,
      instances: [],
      sockets: [],
      suggestAddServiceDomain: false,
      environment: () =>
        this.environment(
          this.requireRecord(state.environments, record.environmentId, "Environment"),
        ),
      service: () => this.service(this.requireRecord(state.services, record.serviceId, "Service")),
    };
  }

  volume(record: VolumeRecord) {
    const { state } = this;
    return {
      ...record,
      project: () => this.project(this.requireRecord(state.projects, record.projectId, "Project")),
      volumeInstances: (args: ConnectionArgs) =>
        toConnection(state.liveVolumeInstances({ volumeId: record.id }), args, (v) =>
          this.volumeInstance(v),
        ),
    };
  }

  volumeInstance(record: VolumeInstanceRecord) {
    const { state } = this;
    return {
      ...record,
      currentSizeMB: 0,
      externalId: null,
      isPendingDeletion: false,
      environment: () =>
        this.environment(
          this.requireRecord(state.environments, record.environmentId, "Environment"),
        ),
      volume: () => this.volume(this.requireRecord(state.volumes, record.volumeId, "Volume")),
      // Railway types this non-null although a detached volume has no service.
      service: () => {
        const service = record.serviceId ? state.services.get(record.serviceId) : undefined;
        if (!service) throw notFound("Service");
        return this.service(service);
      },
    };
  }

  /** Relations resolve even to soft-deleted records, as Railway does for by-id reads. */
  private requireRecord<TRecord>(
    records: Map<string, TRecord>,
    id: string,
    typeName: string,
  ): TRecord {
    const record = records.get(id);
    if (!record) throw notFound(typeName);
    return record;
  }
}
