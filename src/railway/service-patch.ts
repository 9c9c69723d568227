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
  /** Paths (gitignore-style) whose change triggers a deploy; docs deployments/monorepo.md. */
  watchPatterns?: string[];
}

export interface ServiceDeploySettings {
  startCommand?: string;
  /** Runs before each deploy, on the private network; a failure stops the deploy (docs deployments/pre-deploy-command.md). */
  preDeployCommand?: string[];
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
  /**
   * Generated secrets (names of `secretVariables`) whose live value is kept, each with its
   * rotation label: a changed label writes the declared value (a rotation), anything else keeps
   * what Railway holds.
   */
  preservedVariables?: Record<string, string>;
  /**
   * Labels of what this service's running deployment depends on beyond its own config (the
   * rotation labels of secrets it references): a change redeploys it even when its config did not.
   */
  redeployOn?: Record<string, string>;
  /** Reachable on the private network only: a public TCP proxy found on it (Railway's Redis template adds one) is removed. */
  privateNetworkOnly?: boolean;
  /** Seconds `up` waits for the deploy it started; overrides `railway:deployTimeoutSeconds` (default 600). */
  deployTimeoutSeconds?: number;
  /** This stack declares the service (not handed in by another stack): destroy refuses while another environment configures it. */
  ownsService?: boolean;
  providerVersion: string;
}

/** Memory in the patch is bytes; Railway counts a GB as 10^9 bytes (CLI `src/commands/config/mod.rs` test: 2 GB = 2_000_000_000). */
const BYTES_PER_GB = 1_000_000_000;
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BUILD_KEYS = ["builder", "buildCommand", "dockerfilePath", "watchPatterns"] as const;
const DEPLOY_KEYS = [
  "startCommand",
  "preDeployCommand",
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
export const CONFIG_KEYS = [
  "source",
  "build",
  "deploy",
  "limits",
  "variables",
  "secretVariables",
  "volumeMounts",
] as const;

/** A setting Railway applies when none is set, which its config read-back may report as absent. */
export interface RailwayDefault {
  /** Dotted path under `services.<id>` in the environment config. */
  readonly path: string;
  readonly value: unknown;
  readonly source: string;
  /** False when no source shows Railway reading this default back as null: listed in DESIGN.md as an assumption. */
  readonly confirmed: boolean;
}

/**
 * Railway's defaults for every setting this program declares whose default Railway may omit on
 * read-back. Applied to declared AND live values before diffing, reading and refreshing, so a
 * service that declares a default is not redeployed (nor reported as drifted) because Railway
 * reads it back as null.
 */
export const RAILWAY_DEFAULTS: readonly RailwayDefault[] = [
  {
    path: "deploy.restartPolicyType",
    value: "ON_FAILURE",
    source:
      "railwayapp/cli#1184 (ON_FAILURE/10 stored, read back as null); cli#1199 (missing from every pulled deploy block)",
    confirmed: true,
  },
  {
    path: "deploy.restartPolicyMaxRetries",
    value: 10,
    source: "railwayapp/cli#1184, cli#1199",
    confirmed: true,
  },
  {
    path: "deploy.healthcheckTimeout",
    value: 300,
    source: "Railway docs deployments/healthchecks.md: default timeout 300 seconds",
    confirmed: false,
  },
  {
    path: "deploy.numReplicas",
    value: 1,
    source: "Railway docs deployments/scaling.md: one instance unless replicas are set",
    confirmed: false,
  },
  {
    path: "deploy.sleepApplication",
    value: false,
    source: "Railway docs deployments/serverless.md: app sleeping is opt-in",
    confirmed: false,
  },
  {
    path: "deploy.preDeployCommand",
    value: [],
    source: "Railway docs deployments/pre-deploy-command.md: optional, none by default",
    confirmed: false,
  },
  {
    path: "build.watchPatterns",
    value: [],
    source: "Railway docs deployments/monorepo.md: without patterns every push deploys",
    confirmed: false,
  },
];

type Path = readonly string[];
interface Leaf {
  path: Path;
  value: unknown;
}

const pathKey = (path: Path) => path.join("\u0000");

/**
 * A leaf as Railway means it: absent or null is the default (if Railway has one), an empty
 * string is unset, and a root directory is the same folder with or without its leading or
 * trailing "/" (Railway's docs write `/backend`, deployments/monorepo.md). Watch patterns are a set.
 */
export function normalizedLeaf(path: Path, value: unknown): unknown {
  let normal = value === undefined || value === "" ? null : value;
  if (normal === null) {
    const dotted = path.join(".");
    normal = RAILWAY_DEFAULTS.find((entry) => entry.path === dotted)?.value ?? null;
  }
  if (path[0] === "source" && path[1] === "rootDirectory" && typeof normal === "string") {
    const folder = normal.replace(/^\/+|\/+$/g, "");
    normal = folder === "" ? null : folder;
  }
  if (path[0] === "build" && path[1] === "watchPatterns" && Array.isArray(normal))
    normal = [...normal].map(String).sort();
  return normal;
}

/** Whether Railway's value and the declared one mean the same setting. */
export function sameLeaf(path: Path, live: unknown, declared: unknown): boolean {
  return (
    JSON.stringify(normalizedLeaf(path, live)) === JSON.stringify(normalizedLeaf(path, declared))
  );
}

/**
 * The config this resource declares, as patch leaves under `services.<id>`.
 * The source is wholly owned (undeclared keys are null); settings, variables
 * and mounts only where declared.
 */
function declaredLeaves(inputs: ServiceConfigInputs): Leaf[] {
  const leaves: Leaf[] = SOURCE_KEYS.map((key) => ({
    path: ["source", key],
    value: inputs.source[key] ?? null,
  }));
  for (const key of BUILD_KEYS)
    if (inputs.build?.[key] !== undefined)
      leaves.push({ path: ["build", key], value: inputs.build[key] });
  for (const key of DEPLOY_KEYS)
    if (inputs.deploy?.[key] !== undefined)
      leaves.push({ path: ["deploy", key], value: inputs.deploy[key] });
  const containers = ["deploy", "limitOverride", "containers"];
  if (inputs.limits?.memoryGB !== undefined)
    leaves.push({
      path: [...containers, "memoryBytes"],
      value: Math.round(inputs.limits.memoryGB * BYTES_PER_GB),
    });
  if (inputs.limits?.vCPUs !== undefined)
    leaves.push({ path: [...containers, "cpu"], value: inputs.limits.vCPUs });
  for (const [name, value] of Object.entries({ ...inputs.variables, ...inputs.secretVariables }))
    leaves.push({ path: ["variables", name, "value"], value });
  for (const [volumeId, mountPath] of Object.entries(inputs.volumeMounts ?? {}))
    leaves.push({ path: ["volumeMounts", volumeId, "mountPath"], value: mountPath });
  return leaves;
}

/**
 * What `olds` managed and `news` no longer declares, sent as null: a whole
 * variable or mount (CLI `src/iac/compiler.rs` writes `variables.X = null`), or
 * one setting.
 */
function releasedPaths(olds: ServiceConfigInputs | undefined, news: ServiceConfigInputs): Path[] {
  if (!olds) return [];
  const kept = new Set(declaredLeaves(news).map((leaf) => pathKey(leaf.path)));
  const released: Path[] = [];
  for (const { path } of declaredLeaves(olds)) {
    if (kept.has(pathKey(path)) || path[0] === "source") continue;
    const entryLevel =
      path[0] === "variables" || path[0] === "volumeMounts" ? path.slice(0, 2) : path;
    if (!released.some((other) => pathKey(other) === pathKey(entryLevel)))
      released.push(entryLevel);
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
    node =
      typeof next === "object" && next !== null
        ? (next as Record<string, unknown>)
        : (node[key] = {});
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * A generated secret (`preservedVariables`) that already has a value live is kept, as Railway's
 * own IaC does with `preserve()` (railway-ts-sdk): adopting must not rotate a password under
 * running clients. It is written only when missing, or when its rotation label changed since the
 * last apply (the stack file asked for a new one).
 */
export function keepsLiveValue(
  name: string,
  live: LiveServiceEntry | undefined,
  news: ServiceConfigInputs,
  olds?: ServiceConfigInputs,
): boolean {
  if (!news.preservedVariables || !(name in news.preservedVariables)) return false;
  const liveValue = live?.variables?.[name]?.value;
  if (typeof liveValue !== "string" || liveValue === "") return false;
  return (
    olds === undefined || (olds.preservedVariables?.[name] ?? "") === news.preservedVariables[name]
  );
}

/** The patch for `services.<id>` that brings the live entry to the declared config; empty when nothing differs. */
export function servicePatch(
  live: LiveServiceEntry | undefined,
  news: ServiceConfigInputs,
  olds?: ServiceConfigInputs,
): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const { path, value } of declaredLeaves(news)) {
    if (path[0] === "variables" && keepsLiveValue(path[1] as string, live, news, olds)) continue;
    if (!sameLeaf(path, valueAt(live, path), value)) setAt(patch, path, value);
  }
  for (const path of releasedPaths(olds, news)) {
    if (!sameLeaf(path, valueAt(live, path), null)) setAt(patch, path, null);
  }
  return patch;
}

/**
 * Settings that only decide which future pushes deploy (docs deployments/monorepo.md: watch paths
 * filter the commits that trigger a deployment): changing them alone needs no new deployment.
 */
const TRIGGER_ONLY = [["build", "watchPatterns"]] as const;

/** Whether committing this patch must deploy the service: false when it changes only trigger settings. */
export function patchNeedsDeploy(patch: Record<string, unknown>): boolean {
  const leaves: string[][] = [];
  const walk = (node: unknown, path: string[]) => {
    if (
      typeof node === "object" &&
      node !== null &&
      !Array.isArray(node) &&
      !TRIGGER_ONLY.some((only) => only.join(".") === path.join("."))
    ) {
      for (const [key, value] of Object.entries(node)) walk(value, [...path, key]);
    } else leaves.push(path);
  };
  walk(patch, []);
  return leaves.some((path) => !TRIGGER_ONLY.some((only) => only.join(".") === path.join(".")));
}

/** One key of the patch, as a reader should see it: where, and what happens; secret values never shown. */
export interface PatchChange {
  /** e.g. "source.rootDirectory", "deploy.restartPolicyType", "variables.LOG_LEVEL". */
  readonly key: string;
  readonly kind: "set" | "add" | "change" | "remove";
  readonly from?: unknown;
  readonly to?: unknown;
}

/** The patch as a list of key changes; variables by name only, values shown only for plain ones. */
export function describePatch(
  live: LiveServiceEntry | undefined,
  patch: Record<string, unknown>,
  secretNames: readonly string[],
): PatchChange[] {
  const changes: PatchChange[] = [];
  const walk = (node: Record<string, unknown>, path: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      const here = [...path, key];
      if (here[0] === "variables" && here.length === 2) {
        const name = key;
        const liveValue = live?.variables?.[name]?.value;
        const secret = secretNames.includes(name);
        const to = value === null ? undefined : (value as { value?: unknown }).value;
        const kind = value === null ? "remove" : typeof liveValue === "string" ? "change" : "add";
        changes.push({
          key: `variables.${name}`,
          kind,
          ...(secret ? {} : { from: liveValue ?? undefined, to }),
        });
        continue;
      }
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, here);
        continue;
      }
      const from = valueAt(live, here);
      changes.push({
        key: here.join("."),
        kind: value === null ? "remove" : "set",
        from: from ?? null,
        to: value,
      });
    }
  };
  walk(patch, []);
  return changes;
}

/**
 * The declared keys as Railway reports them now: what `pulumi refresh` records. A live value that
 * means the declared one (a default read back as null, `/backend` for `backend`) is recorded as
 * declared, so refresh reports only real drift; a kept generated secret records the declared value
 * while one exists live, so its value never enters state.
 */
export function liveInputs(
  entry: LiveServiceEntry,
  props: ServiceConfigInputs,
): ServiceConfigInputs {
  const recorded: Record<string, unknown> = {};
  for (const { path, value } of declaredLeaves(props)) {
    const liveValue = valueAt(entry, path);
    if (path[0] === "variables" && keepsLiveValue(path[1] as string, entry, props))
      setAt(recorded, path, value);
    else if (sameLeaf(path, liveValue, value)) {
      if (value !== null) setAt(recorded, path, value);
    } else {
      const normal = normalizedLeaf(path, liveValue);
      if (normal !== null) setAt(recorded, path, normal);
    }
  }
  const group = <T>(name: string, declared: object | undefined) =>
    declared ? ({ ...(recorded[name] as object) } as T) : undefined;
  const deploy = group<ServiceDeploySettings & { limitOverride?: unknown }>("deploy", props.deploy);
  if (deploy) delete deploy.limitOverride;
  const containers = valueAt(recorded, ["deploy", "limitOverride", "containers"]) as
    { memoryBytes?: number; cpu?: number } | undefined;
  const limits = props.limits && {
    ...(typeof containers?.memoryBytes === "number"
      ? { memoryGB: containers.memoryBytes / BYTES_PER_GB }
      : {}),
    ...(typeof containers?.cpu === "number" ? { vCPUs: containers.cpu } : {}),
  };
  const values = (declared: Record<string, string> | undefined) =>
    declared &&
    Object.fromEntries(
      Object.keys(declared).flatMap((name) => {
        const value = valueAt(recorded, ["variables", name, "value"]);
        return typeof value === "string" ? [[name, value]] : [];
      }),
    );
  const mounts =
    props.volumeMounts &&
    Object.fromEntries(
      Object.keys(props.volumeMounts).flatMap((volumeId) => {
        const mountPath = valueAt(recorded, ["volumeMounts", volumeId, "mountPath"]);
        return typeof mountPath === "string" ? [[volumeId, mountPath]] : [];
      }),
    );
  return {
    ...props,
    source: { ...(recorded.source as ServiceSourceSpec) },
    build: group<ServiceBuildSettings>("build", props.build),
    deploy,
    limits,
    variables: values(props.variables),
    secretVariables: values(props.secretVariables),
    volumeMounts: mounts,
  };
}

export const configChanged = (olds: ServiceConfigInputs, news: ServiceConfigInputs) =>
  CONFIG_KEYS.some(
    (key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null),
  );
