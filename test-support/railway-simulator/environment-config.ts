import {
  defaultServiceInstanceSettings,
  type DeployedConfig,
  type ServiceInstanceRecord,
  type ServiceInstanceSettings,
} from "./records.js";
import { RailwayApiError, type SimulatorState } from "./state.js";
import { syncBranchTrigger } from "./deployment-triggers.js";
import { renderVariables } from "./variables.js";

/**
 * Railway's `EnvironmentConfig` JSON, as CLI `src/controllers/config/environment.rs`
 * models it: `services.<serviceId>.{source{image,repo,branch,rootDirectory},
 * build{builder,buildCommand,dockerfilePath}, deploy{…, limitOverride{containers}},
 * variables{NAME:{value}}, volumeMounts{<volumeId>:{mountPath}}, isCreated, isDeleted}`,
 * `volumes.<volumeId>.{sizeMB, region, isDeleted}`, `sharedVariables`. Patches
 * deep-merge and `null` removes a key (CLI `src/iac/compiler.rs` writes `variables.X = null`).
 */
export type ConfigObject = Record<string, unknown>;

export function isRecord(value: unknown): value is ConfigObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Railway deep-merges patches; `null` survives the merge so the commit can remove the key. */
export function deepMerge(base: ConfigObject, patch: ConfigObject): ConfigObject {
  const merged: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

const compact = (entries: Record<string, unknown>): ConfigObject =>
  Object.fromEntries(
    Object.entries(entries).filter(([, value]) => value !== null && value !== undefined),
  );

/** Deploy settings a config carries, each with the value `null` resets it to. */
const DEPLOY_FIELDS = {
  startCommand: null,
  healthcheckPath: null,
  healthcheckTimeout: null,
  cronSchedule: null,
  restartPolicyType: "ON_FAILURE",
  restartPolicyMaxRetries: 10,
  sleepApplication: false,
  numReplicas: 1,
  preDeployCommand: null,
  overlapSeconds: null,
  drainingSeconds: null,
} as const satisfies Partial<Record<keyof ServiceInstanceSettings, unknown>>;
/** `watchPatterns` is a list in the build block (CLI `src/controllers/config/environment.rs` BuildConfig). */
const BUILD_FIELDS = {
  builder: "RAILPACK",
  buildCommand: null,
  dockerfilePath: null,
  watchPatterns: [],
} as const satisfies Partial<Record<keyof ServiceInstanceSettings, unknown>>;
const SECRET_MASK = "*******";

/**
 * Settings a client read leaves out while they hold Railway's default. The restart policy is
 * sourced: railwayapp/cli#1184, a service declaring `restartPolicyType: ON_FAILURE,
 * restartPolicyMaxRetries: 10` reads back `null` for both, only non-defaults (e.g. NEVER)
 * round-trip; cli#1199, both keys "missing from every pulled service's deploy block". The
 * others are assumed to behave alike (DESIGN.md, simulator assumptions).
 */
const DEFAULTS_READ_BACK_AS_NULL = {
  deploy: {
    restartPolicyType: "ON_FAILURE",
    restartPolicyMaxRetries: 10,
    numReplicas: 1,
    sleepApplication: false,
  },
  build: { builder: "RAILPACK" },
} as const satisfies Record<
  "deploy" | "build",
  Partial<Record<keyof ServiceInstanceSettings, unknown>>
>;

function withoutDefaults(group: ConfigObject, defaults: Record<string, unknown>): ConfigObject {
  return Object.fromEntries(
    Object.entries(group).filter(([key, value]) => !(key in defaults) || defaults[key] !== value),
  );
}

/** Live TCP proxies under `networking.tcpProxies`, keyed by application port (CLI `config/environment.rs` ServiceNetworking). */
function networkingEntry(
  state: SimulatorState,
  instance: ServiceInstanceRecord,
): ConfigObject | null {
  const proxies = state
    .findTcpProxies(instance.environmentId, instance.serviceId)
    .filter((proxy) => proxy.deletedAt === null);
  if (proxies.length === 0) return null;
  return {
    tcpProxies: Object.fromEntries(proxies.map((proxy) => [String(proxy.applicationPort), {}])),
  };
}

/**
 * One service's entry, read from its instance (server side: no eventual-consistency lag).
 * `clientRead` is what `environment.config` answers: defaults left out when
 * `state.defaultsReadBackAsNull`; otherwise (deploy records, change detection) every stored value.
 */
export function serviceEntry(
  state: SimulatorState,
  instance: ServiceInstanceRecord,
  decryptVariables: boolean,
  clientRead = false,
): ConfigObject {
  const omitDefaults = clientRead && state.defaultsReadBackAsNull;
  const source = compact({ ...instance.source, rootDirectory: instance.rootDirectory });
  const limits = instance.limitOverride ? compact({ ...instance.limitOverride }) : {};
  const storedDeploy = compact({
    ...Object.fromEntries(
      Object.keys(DEPLOY_FIELDS).map((key) => [key, instance[key as keyof typeof DEPLOY_FIELDS]]),
    ),
    limitOverride: Object.keys(limits).length > 0 ? { containers: limits } : null,
  });
  // An empty watch-pattern list is left out, like the unset settings beside it (assumption, DESIGN.md).
  const storedBuild = compact(
    Object.fromEntries(
      Object.keys(BUILD_FIELDS).map((key) => {
        const value = instance[key as keyof typeof BUILD_FIELDS];
        return [key, Array.isArray(value) && value.length === 0 ? null : value];
      }),
    ),
  );
  const deploy = omitDefaults
    ? withoutDefaults(storedDeploy, DEFAULTS_READ_BACK_AS_NULL.deploy)
    : storedDeploy;
  const build = omitDefaults
    ? withoutDefaults(storedBuild, DEFAULTS_READ_BACK_AS_NULL.build)
    : storedBuild;
  const variables = Object.fromEntries(
    Object.entries(state.getVariables(instance.environmentId, instance.serviceId)).map(
      ([name, value]) => [name, { value: decryptVariables ? value : SECRET_MASK }],
    ),
  );
  const volumeMounts = Object.fromEntries(
    state
      .liveVolumeInstances({ environmentId: instance.environmentId })
      .filter((volumeInstance) => volumeInstance.serviceId === instance.serviceId)
      .map((volumeInstance) => [volumeInstance.volumeId, { mountPath: volumeInstance.mountPath }]),
  );
  return compact({
    source: Object.keys(source).length > 0 ? source : null,
    build,
    deploy,
    variables,
    volumeMounts,
    networking: networkingEntry(state, instance),
  });
}

/** `environment.config(decryptVariables)`: every instance a client can see now, the volumes, the shared variables. */
export function environmentConfig(
  state: SimulatorState,
  environmentId: string,
  decryptVariables: boolean,
): ConfigObject {
  const services: ConfigObject = {};
  for (const instance of state.liveServiceInstances(environmentId)) {
    if (state.observeInstance(instance))
      services[instance.serviceId] = serviceEntry(state, instance, decryptVariables, true);
  }
  const volumes: ConfigObject = {};
  for (const volumeInstance of state.liveVolumeInstances({ environmentId })) {
    volumes[volumeInstance.volumeId] = {
      sizeMB: volumeInstance.sizeMB,
      region: volumeInstance.region,
    };
  }
  const shared = state.getVariables(environmentId, null);
  const sharedVariables = Object.fromEntries(
    Object.entries(shared).map(([name, value]) => [
      name,
      { value: decryptVariables ? value : SECRET_MASK },
    ]),
  );
  return { services, volumes, sharedVariables };
}

/** The config a deployment records: its service's entry now, variables raw and rendered. */
export function deployedConfig(
  state: SimulatorState,
  environmentId: string,
  serviceId: string,
): DeployedConfig {
  const instance = state.requireServiceInstance(environmentId, serviceId);
  const entry = serviceEntry(state, instance, true);
  const environment = state.requireEnvironment(environmentId);
  return {
    source: {
      image: instance.source?.image ?? null,
      repo: instance.source?.repo ?? null,
      branch: instance.source?.branch ?? null,
      rootDirectory: instance.rootDirectory,
    },
    build: isRecord(entry.build) ? entry.build : {},
    deploy: isRecord(entry.deploy) ? entry.deploy : {},
    variables: state.getVariables(environmentId, serviceId),
    renderedVariables: renderVariables(state, environment.projectId, environmentId, serviceId),
    volumeMounts: Object.fromEntries(
      Object.entries(isRecord(entry.volumeMounts) ? entry.volumeMounts : {}).map(
        ([volumeId, mount]) => [volumeId, String((mount as ConfigObject).mountPath)],
      ),
    ),
  };
}

/** How many things a staged patch changes: service and volume entries, and shared variables. */
export function countPatchChanges(patch: ConfigObject): number {
  const size = (value: unknown) => (isRecord(value) ? Object.keys(value).length : 0);
  return size(patch.services) + size(patch.volumes) + size(patch.sharedVariables);
}

function assignSetting(instance: ServiceInstanceRecord, key: string, value: unknown): void {
  (instance as unknown as Record<string, unknown>)[key] = value;
}

function applyGroup(
  instance: ServiceInstanceRecord,
  group: string,
  patch: unknown,
  fields: Record<string, unknown>,
): void {
  if (patch === undefined) return;
  if (!isRecord(patch)) throw new RailwayApiError(`${group} must be an object`);
  for (const [key, value] of Object.entries(patch)) {
    if (group === "deploy" && key === "limitOverride") {
      const containers = isRecord(value) && isRecord(value.containers) ? value.containers : {};
      const merged = compact({ ...instance.limitOverride, ...containers });
      instance.limitOverride = value === null || Object.keys(merged).length === 0 ? null : merged;
      continue;
    }
    if (!(key in fields)) throw new RailwayApiError(`Unknown field ${group}.${key}`);
    assignSetting(instance, key, value ?? fields[key]);
  }
}

function applySource(instance: ServiceInstanceRecord, patch: unknown): void {
  if (patch === undefined) return;
  if (patch === null) {
    instance.source = null;
    instance.rootDirectory = null;
    return;
  }
  if (!isRecord(patch)) throw new RailwayApiError("source must be an object");
  const source = { image: null, repo: null, branch: null, ...instance.source };
  for (const [key, value] of Object.entries(patch)) {
    if (key === "rootDirectory") instance.rootDirectory = (value as string | null) ?? null;
    else if (key === "image" || key === "repo" || key === "branch")
      source[key] = (value as string | null) ?? null;
    else throw new RailwayApiError(`Unknown field source.${key}`);
  }
  instance.source = source.image || source.repo ? source : null;
}

function applyVariables(
  state: SimulatorState,
  environmentId: string,
  serviceId: string | null,
  patch: unknown,
): boolean {
  if (patch === undefined) return false;
  if (!isRecord(patch)) throw new RailwayApiError("variables must be an object");
  const before = JSON.stringify(state.getVariables(environmentId, serviceId));
  const environment = state.requireEnvironment(environmentId);
  for (const [name, change] of Object.entries(patch)) {
    if (change === null)
      state.deleteVariable(environment.projectId, environmentId, serviceId, name);
    else if (isRecord(change) && typeof change.value === "string")
      state.setVariable(environment.projectId, environmentId, serviceId, name, change.value);
  }
  return before !== JSON.stringify(state.getVariables(environmentId, serviceId));
}

function applyVolumeMounts(
  state: SimulatorState,
  environmentId: string,
  serviceId: string,
  patch: unknown,
): void {
  if (patch === undefined) return;
  if (!isRecord(patch)) throw new RailwayApiError("volumeMounts must be an object");
  for (const [volumeId, mount] of Object.entries(patch)) {
    const [volumeInstance] = state.liveVolumeInstances({ environmentId, volumeId });
    if (!volumeInstance)
      throw new RailwayApiError(`Volume ${volumeId} has no instance in this environment`);
    if (mount === null) {
      if (volumeInstance.serviceId === serviceId) volumeInstance.serviceId = null;
      continue;
    }
    volumeInstance.serviceId = serviceId;
    if (isRecord(mount) && typeof mount.mountPath === "string")
      volumeInstance.mountPath = mount.mountPath;
  }
}

/**
 * Commits a patch to one environment and deploys each service whose config it
 * changed, exactly once, unless `skipDeploys` (schema: "Skip deploys for services
 * affected by this patch"). A service without a source has nothing to deploy.
 */
export function applyEnvironmentPatch(
  state: SimulatorState,
  environmentId: string,
  patch: ConfigObject,
  skipDeploys: boolean,
): void {
  const environment = state.requireEnvironment(environmentId);
  const changed = new Set<string>();
  for (const [serviceId, servicePatch] of Object.entries(
    isRecord(patch.services) ? patch.services : {},
  )) {
    if (!isRecord(servicePatch)) continue;
    const service = state.requireService(serviceId, environment.projectId);
    let instance = state.findServiceInstance(environmentId, serviceId);
    if (instance?.deletedAt !== null) instance = undefined;
    if (servicePatch.isDeleted === true) {
      if (instance) state.detachServiceFromEnvironment(environmentId, serviceId);
      continue;
    }
    let created = false;
    if (!instance) {
      // CLI environment/new.rs duplicates services into an environment with `isCreated: true`.
      if (servicePatch.isCreated !== true) {
        throw new RailwayApiError(
          `Service "${service.name}" has no instance in environment "${environment.name}"`,
        );
      }
      instance = state.createServiceInstance(
        environmentId,
        serviceId,
        defaultServiceInstanceSettings(),
      );
      created = true;
    }
    const before = JSON.stringify(serviceEntry(state, instance, true));
    applySource(instance, servicePatch.source);
    if (servicePatch.source !== undefined) syncBranchTrigger(state, environmentId, serviceId);
    applyGroup(instance, "build", servicePatch.build, BUILD_FIELDS);
    applyGroup(instance, "deploy", servicePatch.deploy, DEPLOY_FIELDS);
    applyVariables(state, environmentId, serviceId, servicePatch.variables);
    applyVolumeMounts(state, environmentId, serviceId, servicePatch.volumeMounts);
    instance.updatedAt = state.now();
    if (created || before !== JSON.stringify(serviceEntry(state, instance, true)))
      changed.add(serviceId);
  }
  for (const [volumeId, volumePatch] of Object.entries(
    isRecord(patch.volumes) ? patch.volumes : {},
  )) {
    if (isRecord(volumePatch) && volumePatch.isDeleted === true)
      state.softDeleteVolumeInstance(environmentId, volumeId);
  }
  if (applyVariables(state, environmentId, null, patch.sharedVariables)) {
    for (const instance of state.liveServiceInstances(environmentId))
      changed.add(instance.serviceId);
  }
  if (skipDeploys) return;
  for (const serviceId of changed) {
    if (state.findServiceInstance(environmentId, serviceId)?.source)
      state.startDeploy(environmentId, serviceId);
  }
}
