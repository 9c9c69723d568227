import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import {
  DEPLOY_FAILED,
  DEPLOY_SUCCEEDED,
  hasSource,
  latestDeployment,
  readEnvironment,
  stageAndCommit,
  type DeploymentState,
  type LiveEnvironment,
  type LiveServiceEntry,
} from "./environment-config";
import {
  DEFAULT_DEPLOY_TIMEOUT_SECONDS,
  DEPLOY_TIMEOUT_CONFIG_KEY,
  diffByKeys,
  failure,
  missingIds,
  PROVIDER_VERSION,
  RailwayProvider,
  unlessNotFound,
  type ClientTuning,
} from "./provider";

export const BUILDERS = ["NIXPACKS", "RAILPACK", "DOCKERFILE"] as const;
export const RESTART_POLICIES = ["ALWAYS", "NEVER", "ON_FAILURE"] as const;

/** Where the code comes from: exactly one of `image` or `repo` ("owner/name"); `branch` is required with `repo`. */
export interface ServiceSourceSpec {
  image?: string;
  repo?: string;
  branch?: string;
  rootDirectory?: string;
}

export interface ServiceBuildSettings {
  builder?: (typeof BUILDERS)[number];
  buildCommand?: string;
  dockerfilePath?: string;
}

export interface ServiceDeploySettings {
  startCommand?: string;
  healthcheckPath?: string;
  healthcheckTimeout?: number;
  cronSchedule?: string;
  restartPolicyType?: (typeof RESTART_POLICIES)[number];
  restartPolicyMaxRetries?: number;
  sleepApplication?: boolean;
  numReplicas?: number;
}

/** Per-replica limits; sent as `deploy.limitOverride.containers` ({memoryBytes, cpu}). */
export interface ServiceLimits {
  memoryGB?: number;
  vCPUs?: number;
}

export interface ServiceConfigInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  /** Railway service name: named in messages and used by `${{name.VAR}}` references. */
  serviceName: string;
  /** What the service is in this program (e.g. "backend"); read by the invariants, never sent to Railway. */
  role?: string;
  source: ServiceSourceSpec;
  build?: ServiceBuildSettings;
  deploy?: ServiceDeploySettings;
  limits?: ServiceLimits;
  /** Plain values, readable in `pulumi preview --diff`. */
  variables?: Record<string, string>;
  /** Values kept secret in state and in previews. */
  secretVariables?: Record<string, string>;
  /** volumeId → mount path. */
  volumeMounts?: Record<string, string>;
  /** Seconds `up` waits for the deploy it started; overrides `railway:deployTimeoutSeconds` (default 600). */
  deployTimeoutSeconds?: number;
  providerVersion: string;
}

export interface ServiceConfigOutputs extends ServiceConfigInputs {
  /** The instance already had a source before this resource first wrote it: destroy then leaves it alone. */
  adopted: boolean;
  /** The deployment the last apply waited for (or found), if any. */
  lastDeploymentId?: string;
}

/** Memory in the patch is bytes; Railway counts a GB as 10^9 bytes (CLI `src/commands/config/mod.rs` test: 2 GB = 2_000_000_000). */
const BYTES_PER_GB = 1_000_000_000;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BUILD_KEYS = ["builder", "buildCommand", "dockerfilePath"] as const;
const DEPLOY_KEYS = [
  "startCommand",
  "healthcheckPath",
  "healthcheckTimeout",
  "cronSchedule",
  "restartPolicyType",
  "restartPolicyMaxRetries",
  "sleepApplication",
  "numReplicas",
] as const;
const SOURCE_KEYS = ["image", "repo", "branch", "rootDirectory"] as const;
/** Inputs whose change means a new config (and so a deploy); the rest are labels or tuning. */
const CONFIG_KEYS = ["source", "build", "deploy", "limits", "variables", "secretVariables", "volumeMounts"] as const;

type Path = readonly string[];
interface Leaf {
  path: Path;
  value: unknown;
}

/**
 * The config this resource declares, as patch leaves under `services.<id>`.
 * The source is wholly owned (undeclared keys are null); settings, variables
 * and mounts only where declared.
 */
function declaredLeaves(inputs: ServiceConfigInputs): Leaf[] {
  const leaves: Leaf[] = SOURCE_KEYS.map((key) => ({ path: ["source", key], value: inputs.source[key] ?? null }));
  for (const key of BUILD_KEYS) if (inputs.build?.[key] !== undefined) leaves.push({ path: ["build", key], value: inputs.build[key] });
  for (const key of DEPLOY_KEYS) if (inputs.deploy?.[key] !== undefined) leaves.push({ path: ["deploy", key], value: inputs.deploy[key] });
  const containers = ["deploy", "limitOverride", "containers"];
  if (inputs.limits?.memoryGB !== undefined) leaves.push({ path: [...containers, "memoryBytes"], value: Math.round(inputs.limits.memoryGB * BYTES_PER_GB) });
  if (inputs.limits?.vCPUs !== undefined) leaves.push({ path: [...containers, "cpu"], value: inputs.limits.vCPUs });
  for (const [name, value] of Object.entries({ ...inputs.variables, ...inputs.secretVariables })) leaves.push({ path: ["variables", name, "value"], value });
  for (const [volumeId, mountPath] of Object.entries(inputs.volumeMounts ?? {})) leaves.push({ path: ["volumeMounts", volumeId, "mountPath"], value: mountPath });
  return leaves;
}

/**
 * What `olds` managed and `news` no longer declares, sent as null: a whole
 * variable or mount (CLI `src/iac/compiler.rs` writes `variables.X = null`), or
 * one setting.
 */
function releasedPaths(olds: ServiceConfigInputs | undefined, news: ServiceConfigInputs): Path[] {
  if (!olds) return [];
  const kept = new Set(declaredLeaves(news).map((leaf) => leaf.path.join("\u0000")));
  const released: Path[] = [];
  for (const { path } of declaredLeaves(olds)) {
    if (kept.has(path.join("\u0000")) || path[0] === "source") continue;
    const entryLevel = path[0] === "variables" || path[0] === "volumeMounts" ? path.slice(0, 2) : path;
    if (!released.some((other) => other.join("\u0000") === entryLevel.join("\u0000"))) released.push(entryLevel);
  }
  return released;
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node = typeof next === "object" && next !== null ? (next as Record<string, unknown>) : (node[key] = {});
  }
  node[path[path.length - 1] as string] = value;
}

/** The patch for `services.<id>` that brings the live entry to the declared config; empty when nothing differs. */
export function servicePatch(live: LiveServiceEntry | undefined, news: ServiceConfigInputs, olds?: ServiceConfigInputs): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const { path, value } of declaredLeaves(news)) {
    if ((valueAt(live, path) ?? null) !== value) setAt(patch, path, value);
  }
  for (const path of releasedPaths(olds, news)) {
    if ((valueAt(live, path) ?? null) !== null) setAt(patch, path, null);
  }
  return patch;
}

/** The declared keys as Railway reports them now: what `pulumi refresh` records. */
function liveInputs(entry: LiveServiceEntry, props: ServiceConfigInputs): ServiceConfigInputs {
  const text = (path: Path) => {
    const value = valueAt(entry, path);
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const source: ServiceSourceSpec = {};
  for (const key of SOURCE_KEYS) {
    const value = text(["source", key]);
    if (value !== undefined) source[key] = value;
  }
  const pick = <K extends string>(group: "build" | "deploy", declared: Partial<Record<K, unknown>> | undefined) => {
    if (!declared) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(declared)) {
      const value = valueAt(entry, [group, key]);
      if (value !== undefined && value !== null) out[key] = value;
    }
    return out;
  };
  const containers = ["deploy", "limitOverride", "containers"];
  const limits = props.limits && {
    ...(props.limits.memoryGB !== undefined && typeof valueAt(entry, [...containers, "memoryBytes"]) === "number"
      ? { memoryGB: (valueAt(entry, [...containers, "memoryBytes"]) as number) / BYTES_PER_GB }
      : {}),
    ...(props.limits.vCPUs !== undefined && typeof valueAt(entry, [...containers, "cpu"]) === "number"
      ? { vCPUs: valueAt(entry, [...containers, "cpu"]) as number }
      : {}),
  };
  const values = (declared: Record<string, string> | undefined) => {
    if (!declared) return undefined;
    const out: Record<string, string> = {};
    for (const name of Object.keys(declared)) {
      const value = entry.variables?.[name]?.value;
      if (typeof value === "string") out[name] = value;
    }
    return out;
  };
  const mounts = props.volumeMounts && Object.fromEntries(
    Object.keys(props.volumeMounts).flatMap((volumeId) => {
      const mountPath = entry.volumeMounts?.[volumeId]?.mountPath;
      return typeof mountPath === "string" ? [[volumeId, mountPath]] : [];
    }),
  );
  return {
    ...props,
    source,
    build: pick("build", props.build) as ServiceBuildSettings | undefined,
    deploy: pick("deploy", props.deploy) as ServiceDeploySettings | undefined,
    limits,
    variables: values(props.variables),
    secretVariables: values(props.secretVariables),
    volumeMounts: mounts,
  };
}

const configChanged = (olds: ServiceConfigInputs, news: ServiceConfigInputs) =>
  CONFIG_KEYS.some((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null));

const instanceId = (inputs: Pick<ServiceConfigInputs, "environmentId" | "serviceId">) => `${inputs.environmentId}:${inputs.serviceId}`;

/**
 * Everything this program owns of one service in one environment, written as
 * ONE environment-config patch (stage with merge, then one commit), so the
 * first deploy already has source, branch, settings, variables and mounts, and
 * each `up` deploys a changed service exactly once. Then waits for that deploy.
 */
export class ServiceConfigProvider extends RailwayProvider implements pulumi.dynamic.ResourceProvider<ServiceConfigInputs, ServiceConfigOutputs> {
  constructor(tuning?: ClientTuning) {
    super(tuning);
  }

  async check(_olds: ServiceConfigInputs, news: ServiceConfigInputs): Promise<pulumi.dynamic.CheckResult<ServiceConfigInputs>> {
    const failures = missingIds(news, ["projectId", "environmentId", "serviceId"]);
    if (!news.serviceName?.trim()) failures.push(failure("serviceName", "the Railway service name is required"));
    const source = news.source ?? {};
    if ([source.image, source.repo].filter(Boolean).length !== 1) failures.push(failure("source", 'set exactly one of source.image ("redis:8.2") or source.repo ("owner/name")'));
    if (source.repo && !/^[\w.-]+\/[\w.-]+$/.test(source.repo)) failures.push(failure("source.repo", 'must be "owner/name"'));
    if (source.repo && !source.branch?.trim()) failures.push(failure("source.branch", "the branch this environment deploys is required with source.repo"));
    if (source.image && (source.branch || source.rootDirectory)) failures.push(failure("source", "branch and rootDirectory only go with source.repo"));
    if (news.build?.builder !== undefined && !BUILDERS.includes(news.build.builder)) failures.push(failure("build.builder", `one of ${BUILDERS.join(", ")}`));
    const deploy = news.deploy ?? {};
    if (deploy.restartPolicyType !== undefined && !RESTART_POLICIES.includes(deploy.restartPolicyType)) failures.push(failure("deploy.restartPolicyType", `one of ${RESTART_POLICIES.join(", ")}`));
    if (deploy.healthcheckPath !== undefined && !deploy.healthcheckPath.startsWith("/")) failures.push(failure("deploy.healthcheckPath", 'must start with "/", e.g. /health'));
    if (deploy.cronSchedule !== undefined && deploy.cronSchedule.trim().split(/\s+/).length !== 5) failures.push(failure("deploy.cronSchedule", 'five cron fields in UTC, e.g. "0 */6 * * *"'));
    for (const key of ["numReplicas", "healthcheckTimeout"] as const) {
      const value = deploy[key];
      if (value !== undefined && !(Number.isInteger(value) && value >= 1)) failures.push(failure(`deploy.${key}`, "a whole number ≥ 1"));
    }
    if (deploy.restartPolicyMaxRetries !== undefined && !(Number.isInteger(deploy.restartPolicyMaxRetries) && deploy.restartPolicyMaxRetries >= 0)) {
      failures.push(failure("deploy.restartPolicyMaxRetries", "a whole number ≥ 0"));
    }
    for (const key of ["memoryGB", "vCPUs"] as const) {
      const value = news.limits?.[key];
      if (value !== undefined && !(typeof value === "number" && value > 0)) failures.push(failure(`limits.${key}`, "a positive number"));
    }
    for (const group of ["variables", "secretVariables"] as const) {
      for (const [name, value] of Object.entries(news[group] ?? {})) {
        if (!VARIABLE_NAME.test(name)) failures.push(failure(`${group}.${name}`, "names are letters, digits and _, not starting with a digit"));
        if (typeof value !== "string") failures.push(failure(`${group}.${name}`, "values must be strings"));
        if (group === "secretVariables" && news.variables && name in news.variables) failures.push(failure(`secretVariables.${name}`, "declared in variables too; keep it in one of them"));
      }
    }
    for (const [volumeId, mountPath] of Object.entries(news.volumeMounts ?? {})) {
      if (typeof mountPath !== "string" || !mountPath.startsWith("/")) failures.push(failure(`volumeMounts.${volumeId}`, 'an absolute path, e.g. "/data"'));
    }
    if (news.deployTimeoutSeconds !== undefined && !(news.deployTimeoutSeconds > 0)) failures.push(failure("deployTimeoutSeconds", "a positive number of seconds"));
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ServiceConfigOutputs, news: ServiceConfigInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffByKeys<ServiceConfigInputs>(olds, news, ["projectId", "environmentId", "serviceId"], ["serviceName", "role", ...CONFIG_KEYS, "deployTimeoutSeconds"]);
  }

  async create(inputs: ServiceConfigInputs): Promise<pulumi.dynamic.CreateResult<ServiceConfigOutputs>> {
    const client = this.client();
    const { environment, entry } = await this.awaitInstance(client, await readEnvironment(client, inputs.environmentId), inputs.serviceId);
    const adopted = hasSource(entry);
    const patch = servicePatch(entry, inputs);
    if (!entry) patch.isCreated = true;
    const lastDeploymentId = await this.apply(client, environment, inputs, patch, entry !== undefined);
    return { id: instanceId(inputs), outs: { ...inputs, adopted, lastDeploymentId } };
  }

  async read(id: string, props?: ServiceConfigOutputs): Promise<pulumi.dynamic.ReadResult<ServiceConfigOutputs>> {
    if (!props) throw new Error(`railway:ServiceConfig "${id}" cannot be imported: declare it, and create adopts the live instance.`);
    const environment = await unlessNotFound(readEnvironment(this.client(), props.environmentId));
    const entry = environment && !environment.deletedAt ? environment.services[props.serviceId] : undefined;
    if (!entry) return { id: "" };
    const outs: ServiceConfigOutputs = { ...liveInputs(entry, props), adopted: props.adopted, lastDeploymentId: props.lastDeploymentId };
    return { id, props: outs, inputs: outs };
  }

  async update(_id: string, olds: ServiceConfigOutputs, news: ServiceConfigInputs): Promise<pulumi.dynamic.UpdateResult<ServiceConfigOutputs>> {
    const client = this.client();
    const environment = await readEnvironment(client, news.environmentId);
    const entry = environment.services[news.serviceId];
    const patch = servicePatch(entry, news, olds);
    if (!entry) patch.isCreated = true;
    const mustSettle = configChanged(olds, news);
    const lastDeploymentId = Object.keys(patch).length > 0 || mustSettle
      ? await this.apply(client, environment, news, patch, entry !== undefined)
      : olds.lastDeploymentId;
    return { outs: { ...news, adopted: olds.adopted, lastDeploymentId: lastDeploymentId ?? olds.lastDeploymentId } };
  }

  /** This environment only: `isDeleted` for the service here, no deploys. Never `serviceDelete`, never an adopted instance. */
  async delete(_id: string, props: ServiceConfigOutputs): Promise<void> {
    if (props.adopted) return;
    const client = this.client();
    const environment = await unlessNotFound(readEnvironment(client, props.environmentId));
    if (!environment || environment.deletedAt || !environment.services[props.serviceId]) return;
    await stageAndCommit(client, environment, { services: { [props.serviceId]: { isDeleted: true } } }, {
      skipDeploys: true,
      commitMessage: `pulumi: remove ${props.serviceName} from ${environment.name}`,
    });
  }

  /**
   * Commits the patch in one stage + one commit and waits for the deploy it
   * starts. With nothing to send it settles the latest deployment instead: a run
   * that committed and then failed or timed out is finished (or fails again) by
   * the next one, never passed silently.
   */
  private async apply(client: RailwayClient, environment: LiveEnvironment, inputs: ServiceConfigInputs, patch: Record<string, unknown>, instanceExists: boolean): Promise<string | undefined> {
    if (Object.keys(patch).length === 0) return this.settleLatest(client, environment, inputs);
    const before = instanceExists ? await latestDeployment(client, environment.id, inputs.serviceId) : null;
    await stageAndCommit(client, environment, { services: { [inputs.serviceId]: patch } }, {
      skipDeploys: false,
      commitMessage: `pulumi: configure ${inputs.serviceName} in ${environment.name}`,
    });
    // The commit may apply asynchronously (it returns a workflow id): wait for a deployment newer than `before`.
    return this.waitForDeployment(client, environment, inputs, (latest) => latest.id !== before?.id);
  }

  /**
   * The latest deployment, waited for if still under way: what the run that
   * committed this config started. A deployment just started may take a moment
   * to show, so "none" is believed only after a few reads.
   */
  private async settleLatest(client: RailwayClient, environment: LiveEnvironment, inputs: ServiceConfigInputs): Promise<string | undefined> {
    for (let attempt = 1; attempt <= 8; attempt++) {
      if (await unlessNotFound(latestDeployment(client, environment.id, inputs.serviceId))) {
        return this.waitForDeployment(client, environment, inputs, () => true);
      }
      if (attempt < 8) await this.pause(this.tuning.consistencyDelayMs ?? 1_000);
    }
    return undefined;
  }

  /** Polls `serviceInstance.latestDeployment` (alchemy `waitForDeployment`) until the awaited one ends, within the timeout. */
  private async waitForDeployment(
    client: RailwayClient,
    environment: LiveEnvironment,
    inputs: ServiceConfigInputs,
    awaited: (latest: DeploymentState) => boolean,
  ): Promise<string> {
    const timeoutSeconds = inputs.deployTimeoutSeconds ?? this.configDeployTimeoutSeconds ?? DEFAULT_DEPLOY_TIMEOUT_SECONDS;
    const deadline = Date.now() + timeoutSeconds * 1000;
    const where = `service "${inputs.serviceName}" in environment "${environment.name}"`;
    let seen: DeploymentState | undefined;
    for (;;) {
      // The instance of a service just added to this environment may take a moment to appear.
      const latest = await unlessNotFound(latestDeployment(client, environment.id, inputs.serviceId));
      if (latest && awaited(latest)) {
        seen = latest;
        if (DEPLOY_SUCCEEDED.includes(latest.status)) return latest.id;
        if (DEPLOY_FAILED.includes(latest.status)) {
          throw new Error(
            `Railway deployment ${latest.id} of ${where} ended ${latest.status}. ` +
              "Read its build and deploy logs in the Railway dashboard, fix the cause, and run `pulumi up` again.",
          );
        }
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `Railway deployment ${seen ? `${seen.id} (last status ${seen.status})` : "(not started yet)"} of ${where} ` +
            `did not finish within ${timeoutSeconds} s. It may still finish: check the Railway dashboard. To wait longer, set ` +
            `deployTimeoutSeconds on this ServiceConfig or \`pulumi config set ${DEPLOY_TIMEOUT_CONFIG_KEY} <seconds>\`, then run \`pulumi up\` again.`,
        );
      }
      await this.pause(this.tuning.pollIntervalMs ?? 5_000);
    }
  }
}

export interface ServiceConfigArgs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly serviceId: pulumi.Input<string>;
  /** Railway service name: named in messages and used by `${{name.VAR}}` references. */
  readonly serviceName: pulumi.Input<string>;
  /** What the service is in this program (e.g. "backend"); read by the invariants, never sent to Railway. */
  readonly role?: pulumi.Input<string>;
  readonly source: pulumi.Input<ServiceSourceSpec>;
  readonly build?: pulumi.Input<ServiceBuildSettings>;
  readonly deploy?: pulumi.Input<ServiceDeploySettings>;
  readonly limits?: pulumi.Input<ServiceLimits>;
  /** Plain: stay readable in `pulumi preview --diff`. */
  readonly variables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Wrapped in pulumi.secret and kept secret in outputs. */
  readonly secretVariables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** volumeId → mount path. */
  readonly volumeMounts?: pulumi.Input<Record<string, string>>;
  /** Seconds `up` waits for the deploy it started; overrides the provider default. */
  readonly deployTimeoutSeconds?: pulumi.Input<number>;
}

/**
 * One provider object for every resource of this type: the SDK caches a provider's serialized
 * code by object, so the program serializes it once instead of once per resource.
 */
const SHARED_SERVICECONFIGPROVIDER = new ServiceConfigProvider();

export class ServiceConfig extends pulumi.dynamic.Resource {
  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly lastDeploymentId: pulumi.Output<string | undefined>;
  declare readonly serviceId: pulumi.Output<string>;
  declare readonly environmentId: pulumi.Output<string>;

  constructor(name: string, args: ServiceConfigArgs, opts?: pulumi.CustomResourceOptions, tuning?: ClientTuning) {
    super(
      tuning ? new ServiceConfigProvider(tuning) : SHARED_SERVICECONFIGPROVIDER,
      name,
      {
        ...args,
        secretVariables: args.secretVariables && pulumi.secret(args.secretVariables),
        providerVersion: PROVIDER_VERSION,
        adopted: undefined,
        lastDeploymentId: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secretVariables"] }),
      "railway",
      "ServiceConfig",
    );
  }
}
