/** Plain records held by the simulator's in-memory store (one per Railway object). */

export type IsoTimestamp = string;

export type RestartPolicyType = "ALWAYS" | "NEVER" | "ON_FAILURE";
/** Schema enum `Builder`, plus DOCKERFILE, which environment configs carry (CLI `config/environment.rs` BuildConfig). */
export type BuilderKind = "HEROKU" | "NIXPACKS" | "PAKETO" | "RAILPACK" | "DOCKERFILE";
/** Schema `DeploymentStatus`; a test forces the rarer ones (WAITING, NEEDS_APPROVAL, SKIPPED) with `deployOutcomes`. */
export type DeploymentStatus =
  | "SUCCESS"
  | "SLEEPING"
  | "FAILED"
  | "CRASHED"
  | "INITIALIZING"
  | "QUEUED"
  | "BUILDING"
  | "DEPLOYING"
  | "REMOVING"
  | "REMOVED"
  | "WAITING"
  | "NEEDS_APPROVAL"
  | "SKIPPED";
export type VolumeState = "READY" | "DELETED" | "DELETING" | "UPDATING";

export interface ProjectRecord {
  id: string;
  name: string;
  description: string | null;
  workspaceId: string;
  isPublic: boolean;
  prDeploys: boolean;
  botPrEnvironments: boolean;
  focusedPrEnvironments: boolean;
  baseEnvironmentId: string | null;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  deletedAt: IsoTimestamp | null;
}

export interface EnvironmentRecord {
  id: string;
  projectId: string;
  name: string;
  /** Ephemeral (PR) environments are Railway's "forks": new services skip them unless targeted. */
  isEphemeral: boolean;
  sourceEnvironmentId: string | null;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  deletedAt: IsoTimestamp | null;
}

export interface ServiceRecord {
  id: string;
  projectId: string;
  name: string;
  icon: string | null;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  deletedAt: IsoTimestamp | null;
}

export interface ServiceSourceSettings {
  image: string | null;
  repo: string | null;
  /** Not on the GraphQL `ServiceSource` type; carried by environment configs (CLI `config/environment.rs`). */
  branch: string | null;
}

/** `deploy.limitOverride.containers` of an environment config (CLI `config/environment.rs` ContainerLimits). */
export interface ContainerLimits {
  cpu?: number | null;
  memoryBytes?: number | null;
}

/** Settings of one service in one environment, named as on Railway's `ServiceInstance` type. */
export interface ServiceInstanceSettings {
  rootDirectory: string | null;
  buildCommand: string | null;
  startCommand: string | null;
  healthcheckPath: string | null;
  healthcheckTimeout: number | null;
  cronSchedule: string | null;
  numReplicas: number;
  region: string | null;
  restartPolicyType: RestartPolicyType;
  restartPolicyMaxRetries: number;
  sleepApplication: boolean;
  source: ServiceSourceSettings | null;
  builder: BuilderKind;
  dockerfilePath: string | null;
  railwayConfigFile: string | null;
  preDeployCommand: string[] | null;
  watchPatterns: string[];
  drainingSeconds: number | null;
  overlapSeconds: number | null;
  ipv6EgressEnabled: boolean;
  nixpacksPlan: unknown;
  multiRegionConfig: unknown;
  limitOverride: ContainerLimits | null;
}

export interface ServiceInstanceRecord extends ServiceInstanceSettings {
  id: string;
  environmentId: string;
  serviceId: string;
  latestDeploymentId: string | null;
  /** The latest deployment clients see: a new one shows up only after `deployHiddenReads` reads. */
  shownDeploymentId: string | null;
  deployHiddenReads: number;
  /** Reads that still miss this instance (eventual consistency after serviceCreate). */
  hiddenReads: number;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  deletedAt: IsoTimestamp | null;
}

export interface VolumeRecord {
  id: string;
  projectId: string;
  name: string;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  deletedAt: IsoTimestamp | null;
}

export interface VolumeInstanceRecord {
  id: string;
  volumeId: string;
  environmentId: string;
  serviceId: string | null;
  mountPath: string;
  region: string | null;
  sizeMB: number;
  state: VolumeState;
  createdAt: IsoTimestamp;
  deletedAt: IsoTimestamp | null;
}

export interface ServiceDomainRecord {
  id: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  domain: string;
  suffix: string;
  targetPort: number | null;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  /** Deleted domains linger with deletedAt and a DELETING/DELETED syncStatus (see DESIGN.md, simulator assumptions). */
  deletedAt: IsoTimestamp | null;
  syncStatus: "ACTIVE" | "DELETING" | "DELETED";
}

/**
 * A TCP proxy: public `domain:proxyPort` forwarded to `applicationPort` of one service instance
 * (schema `TCPProxy`; CLI `src/controllers/tcp_proxy.rs`).
 */
export interface TcpProxyRecord {
  id: string;
  environmentId: string;
  serviceId: string;
  applicationPort: number;
  proxyPort: number;
  domain: string;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  /** Deleted proxies linger with deletedAt and syncStatus DELETING: CLI `tcp_proxy.rs` filters both out of `tcpProxies`. */
  deletedAt: IsoTimestamp | null;
  syncStatus: "ACTIVE" | "DELETING";
}

export interface DeploymentTriggerRecord {
  id: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  provider: string;
  repository: string;
  branch: string;
  rootDirectory: string | null;
  checkSuites: boolean;
  createdAt: IsoTimestamp;
}

/** What a deployment ran with: the service's config entry at deploy time, and its variables rendered. */
export interface DeployedConfig {
  source: {
    image: string | null;
    repo: string | null;
    branch: string | null;
    rootDirectory: string | null;
  };
  build: Record<string, unknown>;
  deploy: Record<string, unknown>;
  /** Raw values, `${{…}}` references unresolved. */
  variables: Record<string, string>;
  /** As the container sees them: a reference to a service that does not exist renders "" (wasp PR #4291). */
  renderedVariables: Record<string, string>;
  /** volumeId → mount path. */
  volumeMounts: Record<string, string>;
}

export interface DeploymentRecord {
  id: string;
  projectId: string;
  environmentId: string;
  serviceId: string;
  status: DeploymentStatus;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  config: DeployedConfig;
  /** Status reads left before this deployment ends. */
  pollsLeft: number;
  /** How it ends; "STUCK" never does. */
  outcome: DeploymentStatus | "STUCK";
  /** Set when the simulator runs deployments on simulated time (`SimulatorState.deploySimulatedSeconds`). */
  simulated?: { durationMs: number; buildMs: number; reads: number };
}

/**
 * A staged patch (`EnvironmentPatch`; schema `EnvironmentPatchStatus`: STAGED, APPLYING,
 * COMMITTED). `environmentStageChanges` answers with it, and `environmentPatch(id)` follows it
 * after the commit.
 */
export interface EnvironmentPatchRecord {
  id: string;
  environmentId: string;
  status: "STAGED" | "APPLYING" | "COMMITTED";
  lastAppliedError: string | null;
  /** Status reads left showing APPLYING after the commit. */
  applyingReads: number;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  appliedAt: IsoTimestamp | null;
}

export const DEFAULT_REGION = "us-west2";
export const RAILWAY_DOMAIN_SUFFIX = "up.railway.app";
/** Host every simulated TCP proxy answers on; proxies differ by port (see DESIGN.md, simulator assumptions). */
export const TCP_PROXY_DOMAIN = "roundhouse.proxy.rlwy.net";

/** A name as it appears in generated names and domains: lower case, runs of anything else as one dash. */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "app"
  );
}

export function defaultServiceInstanceSettings(): ServiceInstanceSettings {
  return {
    rootDirectory: null,
    buildCommand: null,
    startCommand: null,
    healthcheckPath: null,
    healthcheckTimeout: null,
    cronSchedule: null,
    numReplicas: 1,
    region: DEFAULT_REGION,
    restartPolicyType: "ON_FAILURE",
    restartPolicyMaxRetries: 10,
    sleepApplication: false,
    source: null,
    builder: "RAILPACK",
    dockerfilePath: null,
    railwayConfigFile: null,
    preDeployCommand: null,
    watchPatterns: [],
    drainingSeconds: null,
    overlapSeconds: null,
    ipv6EgressEnabled: false,
    nixpacksPlan: null,
    multiRegionConfig: null,
    limitOverride: null,
  };
}

/** Deep enough copy that editing one instance's settings never leaks into another's. */
export function copySettings(settings: ServiceInstanceSettings): ServiceInstanceSettings {
  return {
    ...settings,
    source: settings.source ? { ...settings.source } : null,
    limitOverride: settings.limitOverride ? { ...settings.limitOverride } : null,
    preDeployCommand: settings.preDeployCommand ? [...settings.preDeployCommand] : null,
    watchPatterns: [...settings.watchPatterns],
  };
}

export function pickSettings(instance: ServiceInstanceRecord): ServiceInstanceSettings {
  const defaults = defaultServiceInstanceSettings();
  const settings = {} as Record<keyof ServiceInstanceSettings, unknown>;
  for (const key of Object.keys(defaults) as Array<keyof ServiceInstanceSettings>) {
    settings[key] = instance[key];
  }
  return copySettings(settings as ServiceInstanceSettings);
}
