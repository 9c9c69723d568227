/**
 * The pure maths of one service's config in one environment: which patch leaves the stack
 * declares, which it released since the last apply, and what `refresh` records from Railway's
 * read-back. No Pulumi, no client: table-tested without the simulator.
 */
import type { LiveServiceEntry } from "./environment-config";

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
  /** This stack declares the service (not handed in by another stack): destroy refuses while another environment configures it. */
  ownsService?: boolean;
  providerVersion: string;
}

/** Memory in the patch is bytes; Railway counts a GB as 10^9 bytes (CLI `src/commands/config/mod.rs` test: 2 GB = 2_000_000_000). */
const BYTES_PER_GB = 1_000_000_000;
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
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
export const CONFIG_KEYS = ["source", "build", "deploy", "limits", "variables", "secretVariables", "volumeMounts"] as const;

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
export function liveInputs(entry: LiveServiceEntry, props: ServiceConfigInputs): ServiceConfigInputs {
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

export const configChanged = (olds: ServiceConfigInputs, news: ServiceConfigInputs) =>
  CONFIG_KEYS.some((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null));

