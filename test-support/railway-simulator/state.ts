import { pollDelayMs } from "../../src/railway/deployments";
import {
  copySettings,
  defaultServiceInstanceSettings,
  RAILWAY_DOMAIN_SUFFIX,
  slug,
  TCP_PROXY_DOMAIN,
  type DeployedConfig,
  type DeploymentRecord,
  type DeploymentStatus,
  type DeploymentTriggerRecord,
  type EnvironmentPatchRecord,
  type EnvironmentRecord,
  type ProjectRecord,
  type ServiceDomainRecord,
  type ServiceInstanceRecord,
  type ServiceInstanceSettings,
  type ServiceRecord,
  type TcpProxyRecord,
  type VolumeInstanceRecord,
  type VolumeRecord,
} from "./records.js";

/** An error whose message is returned to the client verbatim, like Railway's user-facing errors. */
export class RailwayApiError extends Error {
  override readonly name = "RailwayApiError";
}

export function notFound(typeName: string): RailwayApiError {
  return new RailwayApiError(`${typeName} not found`);
}

export type NamedKind = "service" | "environment" | "volume";

const NAMED_KIND_ARTICLE: Record<NamedKind, string> = {
  service: "A",
  environment: "An",
  volume: "A",
};

export function serviceInstanceKey(environmentId: string, serviceId: string): string {
  return `${environmentId}:${serviceId}`;
}

export function variableScopeKey(environmentId: string, serviceId: string | null): string {
  return `${environmentId}:${serviceId ?? "shared"}`;
}

const FIRST_TCP_PROXY_PORT = 10_000;
const DEFAULT_VOLUME_SIZE_MB = 5000;

const isLive = (record: { deletedAt: string | null }): boolean => record.deletedAt === null;

/**
 * The simulator's whole world. Maps are public so tests can inspect or edit records directly;
 * the helper methods cover the common out-of-band edits (someone clicking in the dashboard).
 */
export class SimulatorState {
  readonly projects = new Map<string, ProjectRecord>();
  readonly environments = new Map<string, EnvironmentRecord>();
  readonly services = new Map<string, ServiceRecord>();
  /** Keyed by `${environmentId}:${serviceId}`. */
  readonly serviceInstances = new Map<string, ServiceInstanceRecord>();
  /** Keyed by `${environmentId}:${serviceId ?? "shared"}`. */
  readonly variables = new Map<string, Record<string, string>>();
  readonly volumes = new Map<string, VolumeRecord>();
  readonly volumeInstances = new Map<string, VolumeInstanceRecord>();
  readonly serviceDomains = new Map<string, ServiceDomainRecord>();
  readonly deploymentTriggers = new Map<string, DeploymentTriggerRecord>();
  readonly tcpProxies = new Map<string, TcpProxyRecord>();
  readonly deployments = new Map<string, DeploymentRecord>();
  readonly environmentPatches = new Map<string, EnvironmentPatchRecord>();
  /** Keyed by customer id (`customerIdOf`); dollars, as `usageLimitSet` takes them (read-back unit: assumption). */
  readonly usageLimits = new Map<string, { softLimit: number; hardLimit: number | null }>();
  /** Keyed by project id: `estimatedUsage`'s quantity per measurement (test-injected; absent = 0). */
  readonly estimatedUsage = new Map<string, Partial<Record<string, number>>>();

  private readonly idCounters = new Map<string, number>();
  private lastTimestamp = 0;

  /**
   * Reads that miss a service's new instances after `serviceCreate`: Railway fans
   * the instance out asynchronously (alchemy retries 8×1 s, and 12×5 s for domains'
   * "ServiceInstance not found"). 0 makes them visible at once.
   */
  instanceVisibilityLag = 1;
  /**
   * Reads of `latestDeployment` that still show the previous deployment after a new one starts:
   * `environmentPatchCommitStaged` returns a workflow id, so its deploys may start after it
   * answers (CLI `template_apply.rs`). 0 shows a new deployment at once.
   */
  deployVisibilityLag = 1;
  /**
   * `environment.config` omits deploy and build settings equal to Railway's defaults, as Railway
   * does for the restart policy (railwayapp/cli#1184: ON_FAILURE/10 read back as null; cli#1199:
   * both keys missing from pulled services' deploy blocks). false echoes every stored value.
   */
  defaultsReadBackAsNull = true;
  /** Status reads a deployment takes to end (BUILDING, DEPLOYING, then its outcome); 0 ends it at once. */
  deployPolls = 2;
  /**
   * How long each new deployment builds and deploys, in simulated seconds (undefined: `deployPolls`
   * decides). Nothing really sleeps: the k-th status read of a deployment is taken to come after
   * the provider's backoff (`pollDelayMs` 0…k-1 summed), so a bench counts the reads a real build
   * of that length would cost. It builds for the first two thirds, then deploys.
   */
  deploySimulatedSeconds: number | undefined = undefined;
  /** Reads of a committed patch (`environmentPatch`) that still show APPLYING; 0 shows COMMITTED at once. */
  patchApplyingReads = 1;
  /**
   * Repositories Railway's GitHub app cannot read: a committed patch connecting one fails
   * asynchronously, its `lastAppliedError` saying so, and stays staged (test-injected; the
   * wording and the STAGED status are simulator assumptions).
   */
  readonly reposWithoutAppAccess = new Set<string>();
  /** Repositories whose connection makes no branch trigger (autodeploy off; test-injected). */
  readonly reposWithoutBranchTrigger = new Set<string>();
  /** serviceId → how its deployments end from now on (default SUCCESS); "STUCK" never ends. */
  readonly deployOutcomes = new Map<string, DeploymentStatus | "STUCK">();
  /** Builds the config a deployment records; set by the simulator (it needs the variable renderer). */
  deployedConfigOf: (environmentId: string, serviceId: string) => DeployedConfig = () => {
    throw new Error("deployedConfigOf is not wired");
  };

  constructor(
    readonly workspaceId: string,
    private readonly onDeploy: (deployment: DeploymentRecord) => void = () => undefined,
  ) {}

  /** One billing customer per workspace (schema `Workspace.customer: Customer!`). */
  customerIdOf(workspaceId: string): string {
    return `cus-${workspaceId}`;
  }

  requireCustomer(customerId: string): void {
    const known = [this.workspaceId, ...[...this.projects.values()].map((p) => p.workspaceId)].some(
      (w) => this.customerIdOf(w) === customerId,
    );
    if (!known) throw notFound("Customer");
  }

  nextId(prefix: string): string {
    const next = (this.idCounters.get(prefix) ?? 0) + 1;
    this.idCounters.set(prefix, next);
    return `${prefix}-${next}`;
  }

  /** Strictly increasing, so creation order is always visible in timestamps. */
  now(): string {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return new Date(this.lastTimestamp).toISOString();
  }

  /**
   * What a client read sees of an instance: a new instance stays invisible for
   * `hiddenReads` reads (each read uses one up). Server-side logic (mutations)
   * sees every instance; only reads and the domain create, which alchemy saw fail
   * with "ServiceInstance not found", go through here.
   */
  observeInstance(instance: ServiceInstanceRecord | undefined): ServiceInstanceRecord | undefined {
    if (!instance || !isLive(instance)) return undefined;
    if (instance.hiddenReads > 0) {
      instance.hiddenReads -= 1;
      return undefined;
    }
    return instance;
  }

  /** The latest deployment as a client read sees it (see `deployVisibilityLag`). */
  observeLatestDeployment(instance: ServiceInstanceRecord): DeploymentRecord | undefined {
    if (instance.deployHiddenReads > 0) instance.deployHiddenReads -= 1;
    else instance.shownDeploymentId = instance.latestDeploymentId;
    const shown = instance.shownDeploymentId
      ? this.deployments.get(instance.shownDeploymentId)
      : undefined;
    return shown && this.observeDeployment(shown);
  }

  /** A status read of a deployment: it advances BUILDING → DEPLOYING → its outcome over `deployPolls` reads. */
  observeDeployment(deployment: DeploymentRecord): DeploymentRecord {
    const { simulated } = deployment;
    if (simulated && deployment.pollsLeft > 0) {
      let elapsedMs = 0;
      for (let read = 0; read < simulated.reads; read++) elapsedMs += pollDelayMs(read);
      simulated.reads += 1;
      if (elapsedMs >= simulated.durationMs) {
        deployment.pollsLeft = 0;
        this.finishDeployment(deployment);
      } else {
        deployment.status = elapsedMs >= simulated.buildMs ? "DEPLOYING" : "BUILDING";
      }
      return deployment;
    }
    if (deployment.pollsLeft > 0) {
      deployment.pollsLeft -= 1;
      if (deployment.pollsLeft === 0) this.finishDeployment(deployment);
      else deployment.status = "DEPLOYING";
    }
    return deployment;
  }

  private finishDeployment(deployment: DeploymentRecord): void {
    deployment.status = deployment.outcome === "STUCK" ? "DEPLOYING" : deployment.outcome;
    if (deployment.outcome === "STUCK") deployment.pollsLeft = Number.POSITIVE_INFINITY;
    deployment.updatedAt = this.now();
  }

  // ---- lookups that throw Railway's "not found" errors (soft-deleted counts as missing) ----

  requireProject(id: string): ProjectRecord {
    const project = this.projects.get(id);
    if (!project || !isLive(project)) throw notFound("Project");
    return project;
  }

  requireEnvironment(id: string, projectId?: string | null): EnvironmentRecord {
    const environment = this.environments.get(id);
    if (!environment || !isLive(environment)) throw notFound("Environment");
    if (projectId && environment.projectId !== projectId) throw notFound("Environment");
    return environment;
  }

  requireService(id: string, projectId?: string | null): ServiceRecord {
    const service = this.services.get(id);
    if (!service || !isLive(service)) throw notFound("Service");
    if (projectId && service.projectId !== projectId) throw notFound("Service");
    return service;
  }

  requireServiceInstance(environmentId: string, serviceId: string): ServiceInstanceRecord {
    const instance = this.serviceInstances.get(serviceInstanceKey(environmentId, serviceId));
    if (!instance || !isLive(instance)) throw notFound("ServiceInstance");
    return instance;
  }

  requireVolume(id: string): VolumeRecord {
    const volume = this.volumes.get(id);
    if (!volume || !isLive(volume)) throw notFound("Volume");
    return volume;
  }

  // ---- live listings (what connections show) ----

  liveProjects(workspaceId?: string | null): ProjectRecord[] {
    return [...this.projects.values()].filter(
      (p) => isLive(p) && (!workspaceId || p.workspaceId === workspaceId),
    );
  }

  liveEnvironments(projectId: string): EnvironmentRecord[] {
    return [...this.environments.values()].filter((e) => e.projectId === projectId && isLive(e));
  }

  liveServices(projectId: string): ServiceRecord[] {
    return [...this.services.values()].filter((s) => s.projectId === projectId && isLive(s));
  }

  liveVolumes(projectId: string): VolumeRecord[] {
    return [...this.volumes.values()].filter((v) => v.projectId === projectId && isLive(v));
  }

  /** Live instances in an environment whose service is live too. */
  liveServiceInstances(environmentId: string): ServiceInstanceRecord[] {
    return [...this.serviceInstances.values()].filter(
      (i) =>
        i.environmentId === environmentId &&
        isLive(i) &&
        this.services.get(i.serviceId)?.deletedAt === null,
    );
  }

  liveVolumeInstances(filter: {
    environmentId?: string;
    volumeId?: string;
  }): VolumeInstanceRecord[] {
    return [...this.volumeInstances.values()].filter(
      (vi) =>
        isLive(vi) &&
        (!filter.environmentId || vi.environmentId === filter.environmentId) &&
        (!filter.volumeId || vi.volumeId === filter.volumeId),
    );
  }

  // ---- finders for tests ----

  findProject(name: string): ProjectRecord | undefined {
    return this.liveProjects().find((p) => p.name === name);
  }

  findEnvironment(projectId: string, name: string): EnvironmentRecord | undefined {
    return this.liveEnvironments(projectId).find((e) => e.name === name);
  }

  findService(projectId: string, name: string): ServiceRecord | undefined {
    return this.liveServices(projectId).find((s) => s.name === name);
  }

  findVolume(projectId: string, name: string): VolumeRecord | undefined {
    return this.liveVolumes(projectId).find((v) => v.name === name);
  }

  findServiceInstance(environmentId: string, serviceId: string): ServiceInstanceRecord | undefined {
    return this.serviceInstances.get(serviceInstanceKey(environmentId, serviceId));
  }

  findServiceDomains(environmentId: string, serviceId: string): ServiceDomainRecord[] {
    return [...this.serviceDomains.values()].filter(
      (d) => d.environmentId === environmentId && d.serviceId === serviceId,
    );
  }

  findDeploymentTriggers(environmentId: string, serviceId: string): DeploymentTriggerRecord[] {
    return [...this.deploymentTriggers.values()].filter(
      (t) => t.environmentId === environmentId && t.serviceId === serviceId,
    );
  }

  /** Every TCP proxy of one service instance, deleted ones included (they linger, see TcpProxyRecord). */
  findTcpProxies(environmentId: string, serviceId: string): TcpProxyRecord[] {
    return [...this.tcpProxies.values()].filter(
      (p) => p.environmentId === environmentId && p.serviceId === serviceId,
    );
  }

  /** A copy of one variable scope; `serviceId: null` means the environment's shared variables. */
  getVariables(environmentId: string, serviceId: string | null): Record<string, string> {
    return { ...this.variables.get(variableScopeKey(environmentId, serviceId)) };
  }

  // ---- out-of-band edits (no deploys, like staged dashboard changes) ----

  setVariable(
    projectId: string,
    environmentId: string,
    serviceId: string | null,
    name: string,
    value: string,
  ): void {
    this.requireEnvironment(environmentId, projectId);
    if (serviceId) this.requireService(serviceId, projectId);
    const key = variableScopeKey(environmentId, serviceId);
    this.variables.set(key, { ...this.variables.get(key), [name]: value });
  }

  /** Returns whether the variable existed. */
  deleteVariable(
    projectId: string,
    environmentId: string,
    serviceId: string | null,
    name: string,
  ): boolean {
    this.requireEnvironment(environmentId, projectId);
    const scope = this.variables.get(variableScopeKey(environmentId, serviceId));
    if (!scope || !(name in scope)) return false;
    delete scope[name];
    return true;
  }

  updateServiceInstance(
    environmentId: string,
    serviceId: string,
    settings: Partial<ServiceInstanceSettings>,
  ): void {
    const instance = this.requireServiceInstance(environmentId, serviceId);
    Object.assign(instance, copySettings({ ...instance, ...settings }), { updatedAt: this.now() });
  }

  // ---- naming ----

  private liveNamed(kind: NamedKind, projectId: string): Array<{ id: string; name: string }> {
    if (kind === "service") return this.liveServices(projectId);
    if (kind === "environment") return this.liveEnvironments(projectId);
    return this.liveVolumes(projectId);
  }

  assertNameAvailable(kind: NamedKind, projectId: string, name: string, exceptId?: string): void {
    const clash = this.liveNamed(kind, projectId).some((r) => r.name === name && r.id !== exceptId);
    if (clash) {
      throw new RailwayApiError(
        `${NAMED_KIND_ARTICLE[kind]} ${kind} named "${name}" already exists in this project`,
      );
    }
  }

  /** `base`, or `base-2`, `base-3`… whichever is free; for names Railway generates itself. */
  uniqueName(kind: NamedKind, projectId: string, base: string): string {
    const taken = new Set(this.liveNamed(kind, projectId).map((r) => r.name));
    let candidate = base;
    for (let suffix = 2; taken.has(candidate); suffix++) candidate = `${base}-${suffix}`;
    return candidate;
  }

  // ---- record builders: each record's shape, written once for the mutation resolvers and the seeds ----

  /** A project in this workspace; one left unnamed is called after its id. */
  createProject(
    fields: Partial<Pick<ProjectRecord, "name" | "description" | "isPublic" | "prDeploys">> = {},
  ): ProjectRecord {
    const now = this.now();
    const id = this.nextId("prj");
    const project: ProjectRecord = {
      id,
      name: fields.name ?? `project-${id}`,
      description: fields.description ?? null,
      workspaceId: this.workspaceId,
      isPublic: fields.isPublic ?? false,
      prDeploys: fields.prDeploys ?? false,
      botPrEnvironments: false,
      focusedPrEnvironments: false,
      baseEnvironmentId: null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    this.projects.set(id, project);
    return project;
  }

  createEnvironment(
    fields: Pick<EnvironmentRecord, "projectId" | "name"> &
      Partial<Pick<EnvironmentRecord, "isEphemeral" | "sourceEnvironmentId">>,
  ): EnvironmentRecord {
    const now = this.now();
    const environment: EnvironmentRecord = {
      id: this.nextId("env"),
      projectId: fields.projectId,
      name: fields.name,
      isEphemeral: fields.isEphemeral ?? false,
      sourceEnvironmentId: fields.sourceEnvironmentId ?? null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    this.environments.set(environment.id, environment);
    return environment;
  }

  /** The service alone: its instances come from `createServiceInstance`, per environment. */
  createService(
    fields: Pick<ServiceRecord, "projectId" | "name"> & Partial<Pick<ServiceRecord, "icon">>,
  ): ServiceRecord {
    const now = this.now();
    const service: ServiceRecord = {
      id: this.nextId("svc"),
      projectId: fields.projectId,
      name: fields.name,
      icon: fields.icon ?? null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    this.services.set(service.id, service);
    return service;
  }

  /** A volume with one instance per entry of `instances` (an environment, and the service it is mounted on, if any). */
  createVolume(
    fields: Pick<VolumeRecord, "projectId" | "name">,
    instances: ReadonlyArray<
      Pick<VolumeInstanceRecord, "environmentId" | "serviceId" | "mountPath" | "region">
    >,
  ): VolumeRecord {
    const now = this.now();
    const volume: VolumeRecord = {
      id: this.nextId("vol"),
      projectId: fields.projectId,
      name: fields.name,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    this.volumes.set(volume.id, volume);
    for (const instance of instances) {
      const volumeInstance: VolumeInstanceRecord = {
        id: this.nextId("vi"),
        volumeId: volume.id,
        ...instance,
        sizeMB: DEFAULT_VOLUME_SIZE_MB,
        state: "READY",
        createdAt: now,
        deletedAt: null,
      };
      this.volumeInstances.set(volumeInstance.id, volumeInstance);
    }
    return volume;
  }

  /** A Railway-provided domain, `<service>-<environment>-<n>.up.railway.app`. */
  createServiceDomain(
    environment: EnvironmentRecord,
    service: ServiceRecord,
    targetPort: number | null = null,
  ): ServiceDomainRecord {
    const id = this.nextId("dom");
    const sequence = id.slice("dom-".length);
    const now = this.now();
    const domain: ServiceDomainRecord = {
      id,
      projectId: environment.projectId,
      environmentId: environment.id,
      serviceId: service.id,
      domain: `${slug(service.name)}-${slug(environment.name)}-${sequence}.${RAILWAY_DOMAIN_SUFFIX}`,
      suffix: RAILWAY_DOMAIN_SUFFIX,
      targetPort,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      syncStatus: "ACTIVE",
    };
    this.serviceDomains.set(id, domain);
    return domain;
  }

  /** Unless told otherwise, a GitHub trigger of the repository's root, without check suites. */
  createDeploymentTrigger(
    fields: Pick<
      DeploymentTriggerRecord,
      "projectId" | "environmentId" | "serviceId" | "repository" | "branch"
    > &
      Partial<Pick<DeploymentTriggerRecord, "provider" | "rootDirectory" | "checkSuites">>,
  ): DeploymentTriggerRecord {
    const trigger: DeploymentTriggerRecord = {
      id: this.nextId("trg"),
      projectId: fields.projectId,
      environmentId: fields.environmentId,
      serviceId: fields.serviceId,
      provider: fields.provider ?? "github",
      repository: fields.repository,
      branch: fields.branch,
      rootDirectory: fields.rootDirectory ?? null,
      checkSuites: fields.checkSuites ?? false,
      createdAt: this.now(),
    };
    this.deploymentTriggers.set(trigger.id, trigger);
    return trigger;
  }

  createServiceInstance(
    environmentId: string,
    serviceId: string,
    settings: ServiceInstanceSettings = defaultServiceInstanceSettings(),
  ): ServiceInstanceRecord {
    const now = this.now();
    const instance: ServiceInstanceRecord = {
      ...copySettings(settings),
      id: this.nextId("si"),
      environmentId,
      serviceId,
      latestDeploymentId: null,
      shownDeploymentId: null,
      deployHiddenReads: 0,
      hiddenReads: 0,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    this.serviceInstances.set(serviceInstanceKey(environmentId, serviceId), instance);
    return instance;
  }

  /** A live TCP proxy for one instance; its public port is the simulator's pick (see DESIGN.md, simulator assumptions). */
  addTcpProxy(environmentId: string, serviceId: string, applicationPort: number): TcpProxyRecord {
    const id = this.nextId("tcp");
    const now = this.now();
    const proxy: TcpProxyRecord = {
      id,
      environmentId,
      serviceId,
      applicationPort,
      proxyPort: FIRST_TCP_PROXY_PORT + Number(id.slice("tcp-".length)),
      domain: TCP_PROXY_DOMAIN,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      syncStatus: "ACTIVE",
    };
    this.tcpProxies.set(id, proxy);
    return proxy;
  }

  /** A deployment of what the service's instance holds now; `startDeploy` is the one that counts as a deploy. */
  createDeployment(
    environmentId: string,
    serviceId: string,
    progress: Pick<DeploymentRecord, "status" | "pollsLeft" | "outcome">,
  ): DeploymentRecord {
    const environment = this.requireEnvironment(environmentId);
    const now = this.now();
    const deployment: DeploymentRecord = {
      id: this.nextId("dep"),
      projectId: environment.projectId,
      environmentId,
      serviceId,
      ...progress,
      createdAt: now,
      updatedAt: now,
      config: this.deployedConfigOf(environmentId, serviceId),
    };
    this.deployments.set(deployment.id, deployment);
    return deployment;
  }

  /** Starts a deployment that records the config it runs with; it ends after `deployPolls` status reads. */
  startDeploy(environmentId: string, serviceId: string): DeploymentRecord {
    const instance = this.requireServiceInstance(environmentId, serviceId);
    const deployment = this.createDeployment(environmentId, serviceId, {
      status: "BUILDING",
      pollsLeft: this.deployPolls,
      outcome: this.deployOutcomes.get(serviceId) ?? "SUCCESS",
    });
    if (this.deploySimulatedSeconds !== undefined) {
      const durationMs = this.deploySimulatedSeconds * 1000;
      deployment.simulated = { durationMs, buildMs: (durationMs * 2) / 3, reads: 0 };
      deployment.pollsLeft = durationMs > 0 ? Number.POSITIVE_INFINITY : 0;
    }
    if (deployment.pollsLeft === 0) this.finishDeployment(deployment);
    instance.latestDeploymentId = deployment.id;
    instance.deployHiddenReads = this.deployVisibilityLag;
    this.onDeploy(deployment);
    return deployment;
  }

  /** Removes everything a service owns in one environment (domains, TCP proxies, triggers, variables, volume mounts). */
  detachServiceFromEnvironment(environmentId: string, serviceId: string): void {
    for (const domain of this.findServiceDomains(environmentId, serviceId))
      this.serviceDomains.delete(domain.id);
    for (const trigger of this.findDeploymentTriggers(environmentId, serviceId)) {
      this.deploymentTriggers.delete(trigger.id);
    }
    for (const proxy of this.findTcpProxies(environmentId, serviceId))
      this.tcpProxies.delete(proxy.id);
    this.variables.delete(variableScopeKey(environmentId, serviceId));
    for (const volumeInstance of this.volumeInstances.values()) {
      if (
        volumeInstance.environmentId === environmentId &&
        volumeInstance.serviceId === serviceId
      ) {
        volumeInstance.serviceId = null;
      }
    }
    const instance = this.findServiceInstance(environmentId, serviceId);
    if (instance && isLive(instance)) instance.deletedAt = this.now();
  }

  /** `serviceDelete` without a fork environment: the service leaves every environment. */
  softDeleteService(serviceId: string): void {
    const service = this.requireService(serviceId);
    for (const environment of this.environments.values()) {
      if (environment.projectId === service.projectId)
        this.detachServiceFromEnvironment(environment.id, serviceId);
    }
    service.deletedAt = this.now();
  }

  softDeleteEnvironment(environmentId: string): void {
    const environment = this.requireEnvironment(environmentId);
    const now = this.now();
    for (const instance of this.serviceInstances.values()) {
      if (instance.environmentId === environmentId)
        this.detachServiceFromEnvironment(environmentId, instance.serviceId);
    }
    this.variables.delete(variableScopeKey(environmentId, null));
    for (const volumeInstance of this.liveVolumeInstances({ environmentId }))
      volumeInstance.deletedAt = now;
    environment.deletedAt = now;
  }

  /** One environment's instance of a volume (patch `volumes.<id>.isDeleted`); other environments keep theirs. */
  softDeleteVolumeInstance(environmentId: string, volumeId: string): void {
    const now = this.now();
    for (const volumeInstance of this.liveVolumeInstances({ environmentId, volumeId })) {
      volumeInstance.deletedAt = now;
      volumeInstance.state = "DELETED";
    }
  }

  /** `volumeDelete`: the volume and its instances in every environment. */
  softDeleteVolume(volumeId: string): void {
    const volume = this.requireVolume(volumeId);
    const now = this.now();
    for (const volumeInstance of this.liveVolumeInstances({ volumeId })) {
      volumeInstance.deletedAt = now;
      volumeInstance.state = "DELETED";
    }
    volume.deletedAt = now;
  }

  softDeleteProject(projectId: string): void {
    const project = this.requireProject(projectId);
    for (const service of this.liveServices(projectId)) this.softDeleteService(service.id);
    for (const volume of this.liveVolumes(projectId)) this.softDeleteVolume(volume.id);
    for (const environment of this.liveEnvironments(projectId))
      this.softDeleteEnvironment(environment.id);
    project.deletedAt = this.now();
  }
}
