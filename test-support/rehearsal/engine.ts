/**
 * A small in-process stand-in for the Pulumi engine's `up`, for rehearsing a program against
 * the Railway simulator: the program runs on Pulumi's mock runtime (`runProgramOffline`), and
 * every dynamic resource (`pulumi-nodejs:dynamic/…`) is sent through the real dynamic-provider
 * plugin over gRPC, as the engine would: Configure once, Check, then Create (no prior state) or
 * Diff → Update / replace / nothing. The real id and outputs go back to the program, so
 * dependents receive real Railway ids. Other resources keep the offline placeholders, except
 * `@pulumi/random` strings, which get a stable fake value per resource name.
 *
 * State is a plain map handed from one `up` to the next, like a Pulumi state file.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { PROJECT_NAME } from "../../src/config";
import {
  runProgramOffline,
  type OfflinePlan,
  type OfflineResourceRequest,
  type OfflineResourceResult,
} from "../../src/offline/mock-runtime";
import {
  DynamicProviderPlugin,
  type Properties,
  type ResourceRef,
} from "./dynamic-provider-plugin";

export const PROJECT_DIR = path.resolve(__dirname, "../..");
const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";
const RANDOM_STRING_TYPES = new Set([
  "random:index/randomPassword:RandomPassword",
  "random:index/randomString:RandomString",
]);
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const SECRET_MARKER = "1b47061264138c4ac30d75fd1eb44270";

/** What the state file would hold for one resource. */
export interface ResourceState {
  readonly type: string;
  readonly name: string;
  readonly id: string;
  /** Checked inputs (incl. `__provider` for dynamic resources). */
  readonly inputs: Properties;
  readonly outputs: Properties;
  /** The resource option `protect`, which the engine keeps in state. */
  readonly protect?: boolean;
}

/** Keyed by `type::name` (unique in these programs; the rehearsal fails on a duplicate). */
export type RehearsalState = ReadonlyMap<string, ResourceState>;

export type StepKind = "create" | "update" | "same" | "replace" | "delete";

export interface Step {
  readonly kind: StepKind;
  readonly type: string;
  readonly name: string;
  readonly id: string;
  /** For updates and replacements: what the provider's diff reported. */
  readonly detail?: string;
  /** Positions on one clock of step starts and ends, to check ordering (dependsOn). */
  readonly started: number;
  readonly finished: number;
}

export interface UpOptions {
  readonly stack: string;
  /** Full config map ("ns:key" → string), as `pulumi config` hands it to the program and the provider. */
  readonly config: Record<string, string>;
  readonly secretKeys?: readonly string[];
  readonly stackReferences?: Record<string, Record<string, unknown>>;
  /** State from the previous `up` of this stack; omitted or empty, everything is created (or adopted). */
  readonly prior?: RehearsalState;
  /** Replaces the stack's program (tests); omitted, the real `declareStack` runs. */
  readonly program?: () => Record<string, unknown>;
  /** Where the plugin resolves the providers' `require()`s; the project root by default. */
  readonly projectDir?: string;
}

export interface UpResult {
  readonly plan: OfflinePlan;
  /** Stack outputs, secrets revealed. */
  readonly outputs: Record<string, unknown>;
  readonly state: RehearsalState;
  /** Dynamic-resource steps in the order they finished. */
  readonly steps: readonly Step[];
}

const keyOf = (type: string, name: string) => `${type}::${name}`;
export const isDynamic = (type: string) =>
  type.startsWith(`${DYNAMIC_PREFIX}/`) || type.startsWith(`${DYNAMIC_PREFIX}:`);

/** JSON with keys sorted and undefined left out: two states compare equal when they mean the same. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The engine marks an output secret when the input of the same name was. */
function markSecrets(outputs: Properties, secretInputs: readonly string[]): Properties {
  const marked: Properties = { ...outputs };
  for (const key of secretInputs) {
    if (key in marked) marked[key] = { [SECRET_SIGNATURE]: SECRET_MARKER, value: marked[key] };
  }
  return marked;
}

/** The engine applies `ignoreChanges` before Check by keeping the old input values. */
function applyIgnoreChanges(
  news: Properties,
  oldInputs: Properties | undefined,
  ignoreChanges: readonly string[],
  label: string,
): Properties {
  if (!oldInputs || ignoreChanges.length === 0) return news;
  const result = { ...news };
  for (const key of ignoreChanges) {
    if (/[.[\]"]/.test(key))
      throw new Error(
        `${label}: ignoreChanges path "${key}" is nested; the rehearsal engine supports top-level keys only`,
      );
    if (key in oldInputs) result[key] = oldInputs[key];
    else delete result[key];
  }
  return result;
}

/** A stable alphanumeric string per stack and resource name, of the requested length. */
export function fakeRandomString(stack: string, name: string, length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let block = 0; out.length < length; block++) {
    for (const byte of createHash("sha256").update(`${stack}/${name}/${block}`).digest())
      out += alphabet[byte % alphabet.length];
  }
  return out.slice(0, length);
}

export function refOf(stack: string, type: string, name: string): ResourceRef {
  return { urn: `urn:pulumi:${stack}::${PROJECT_NAME}::${type}::${name}`, type, name };
}

class Deployment {
  readonly state = new Map<string, ResourceState>();
  readonly steps: Step[] = [];
  private readonly seen = new Set<string>();
  private clock = 0;
  private failure: Error | undefined;

  constructor(
    private readonly plugin: DynamicProviderPlugin,
    private readonly configured: Promise<void>,
    private readonly options: UpOptions,
  ) {}

  get error(): Error | undefined {
    return this.failure;
  }

  private ref(type: string, name: string): ResourceRef {
    return refOf(this.options.stack, type, name);
  }

  /**
   * After a failed step the engine starts no new step and ends the deployment with the error.
   * Here the failed and later registrations get a stand-in answer instead of an error (an error
   * would surface as the SDK's unhandled rejections), and `rehearseUp` throws the first failure.
   */
  async handle(request: OfflineResourceRequest): Promise<OfflineResourceResult | undefined> {
    const standIn = { id: "", state: request.inputs };
    if (this.failure && (isDynamic(request.type) || RANDOM_STRING_TYPES.has(request.type)))
      return standIn;
    try {
      if (isDynamic(request.type)) return await this.dynamic(request);
      if (RANDOM_STRING_TYPES.has(request.type)) return this.random(request);
      return undefined;
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
      return standIn;
    }
  }

  private claim(type: string, name: string): string {
    const key = keyOf(type, name);
    if (this.seen.has(key))
      throw new Error(`two resources named ${key}: the engine would reject the duplicate URN`);
    this.seen.add(key);
    return key;
  }

  private random(request: OfflineResourceRequest): OfflineResourceResult {
    const key = this.claim(request.type, request.name);
    const old = this.options.prior?.get(key);
    const length = typeof request.inputs.length === "number" ? request.inputs.length : 16;
    // `keepers` are force-new in @pulumi/random: changed keepers mean a new value.
    const keepers = stableJson(request.inputs.keepers ?? {});
    const kept =
      old && stableJson(old.inputs.keepers ?? {}) === keepers
        ? (old.outputs.result as string | undefined)
        : undefined;
    const result =
      kept ??
      fakeRandomString(
        this.options.stack,
        keepers === "{}" ? request.name : `${request.name}/${keepers}`,
        length,
      );
    const outputs = { ...request.inputs, result };
    const id = old?.id ?? "none";
    this.state.set(key, {
      type: request.type,
      name: request.name,
      id,
      inputs: request.inputs,
      outputs,
      protect: request.protect,
    });
    // RandomPassword's result is secret (additionalSecretOutputs, which mocks do not see).
    return {
      id,
      state: { ...outputs, result: { [SECRET_SIGNATURE]: SECRET_MARKER, value: result } },
    };
  }

  private async dynamic(request: OfflineResourceRequest): Promise<OfflineResourceResult> {
    const { type, name } = request;
    const key = this.claim(type, name);
    const started = ++this.clock;
    const label = `${type} "${name}"`;
    if (request.importId)
      throw new Error(
        `${label}: the import option on a dynamic resource is not supported by the rehearsal engine`,
      );
    await this.configured;
    const plugin = this.plugin;
    const ref = this.ref(type, name);
    const old = this.options.prior?.get(key);
    const news = applyIgnoreChanges(request.inputs, old?.inputs, request.ignoreChanges, label);

    const checked = await plugin.check(ref, old?.inputs ?? {}, news);
    if (checked.failures.length > 0) {
      throw new Error(
        `${label}: check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    const inputs = checked.inputs;
    const record = (
      kind: StepKind,
      id: string,
      outputs: Properties,
      detail?: string,
    ): OfflineResourceResult => {
      this.state.set(key, { type, name, id, inputs, outputs, protect: request.protect });
      this.steps.push({
        kind,
        type,
        name,
        id,
        ...(detail ? { detail } : {}),
        started,
        finished: ++this.clock,
      });
      return { id, state: markSecrets(outputs, request.secretInputs) };
    };

    if (!old) {
      const created = await plugin.create(ref, inputs);
      return record("create", created.id, created.outputs);
    }
    const diff = await plugin.diff(
      ref,
      old.id,
      old.outputs,
      inputs,
      old.inputs,
      request.ignoreChanges,
    );
    const changed =
      diff.changes === "some" ||
      (diff.changes === "unknown" && stableJson(old.inputs) !== stableJson(inputs));
    if (!changed) return record("same", old.id, old.outputs);
    if (diff.replaces.length > 0) {
      if (request.protect)
        throw new Error(
          `${label} is protected but its diff replaces it (${diff.replaces.join(", ")})`,
        );
      // The engine deletes the old object after the whole deployment (create-before-delete) or first
      // (deleteBeforeReplace); here the old one goes right away in both cases.
      if (diff.deleteBeforeReplace) await plugin.delete(ref, old.id, old.outputs, old.inputs);
      const created = await plugin.create(ref, inputs);
      if (!diff.deleteBeforeReplace) await plugin.delete(ref, old.id, old.outputs, old.inputs);
      return record(
        "replace",
        created.id,
        created.outputs,
        `replaces: ${diff.replaces.join(", ")}`,
      );
    }
    const outputs = await plugin.update(
      ref,
      old.id,
      old.outputs,
      inputs,
      old.inputs,
      request.ignoreChanges,
    );
    return record(
      "update",
      old.id,
      outputs,
      diff.changes === "unknown" ? "inputs differ (provider has no diff)" : undefined,
    );
  }

  /** Resources in the prior state the program no longer declares: deleted newest first. */
  async deleteOrphans(): Promise<void> {
    const orphans = [...(this.options.prior?.values() ?? [])]
      .filter((old) => !this.seen.has(keyOf(old.type, old.name)))
      .reverse();
    for (const old of orphans) {
      const started = ++this.clock;
      if (isDynamic(old.type)) {
        await this.configured;
        await this.plugin.delete(this.ref(old.type, old.name), old.id, old.outputs, old.inputs);
      }
      this.steps.push({
        kind: "delete",
        type: old.type,
        name: old.name,
        id: old.id,
        started,
        finished: ++this.clock,
      });
    }
  }
}

/**
 * Runs `work` with a dynamic-provider plugin started for the stack and stopped after it; a failure
 * carries the plugin's stderr, where a provider's own trace lands.
 */
export async function withPlugin<T>(
  stack: string,
  projectDir: string | undefined,
  work: (plugin: DynamicProviderPlugin) => Promise<T>,
): Promise<T> {
  const plugin = await DynamicProviderPlugin.start({
    cwd: projectDir ?? PROJECT_DIR,
    project: PROJECT_NAME,
    stack,
  });
  try {
    return await work(plugin);
  } catch (error) {
    const log = plugin.log.trim();
    if (log && error instanceof Error)
      error.message += `\n--- dynamic-provider plugin stderr ---\n${log}`;
    throw error;
  } finally {
    await plugin.close();
  }
}

/**
 * One `pulumi up` of a program against whatever `railway:endpoint` points at. Starts the
 * dynamic-provider plugin for this deployment (the engine starts one per deployment too; the
 * plugin configures each provider once per process) and stops it at the end.
 */
export async function rehearseUp(options: UpOptions): Promise<UpResult> {
  return withPlugin(options.stack, options.projectDir, async (plugin) => {
    const configured = plugin.configure(options.config);
    configured.catch(() => undefined);
    const deployment = new Deployment(plugin, configured, options);
    const plan = await runProgramOffline({
      stack: options.stack,
      config: options.config,
      secretKeys: [...(options.secretKeys ?? [])],
      stackReferences: options.stackReferences,
      program: options.program,
      resourceHandler: (request) => deployment.handle(request),
    });
    if (deployment.error) throw deployment.error;
    await deployment.deleteOrphans();
    const outputs = Object.fromEntries(
      Object.entries(plan.outputs).map(([key, output]) => [key, output.value]),
    );
    return { plan, outputs, state: deployment.state, steps: deployment.steps };
  });
}

export interface DestroyOptions {
  readonly stack: string;
  readonly config: Record<string, string>;
  /** The stack's state, from its last `up`. */
  readonly prior: RehearsalState;
  readonly projectDir?: string;
}

export interface DestroyResult {
  /** One delete step per resource, newest first. */
  readonly steps: readonly Step[];
}

/**
 * One `pulumi destroy`: every resource of the state deleted, newest first (the reverse of the
 * order `up` finished them, so dependents go before what they depend on), one at a time; the
 * first failure stops it. A protected resource stops it before anything is deleted, as Pulumi
 * does: "A protected resource cannot be deleted directly" (Pulumi docs, resource option
 * `protect`), and `pulumi destroy` fails in its preview, before any step, until
 * `pulumi state unprotect` (or `protect: false` and an `up`) releases it.
 */
export async function rehearseDestroy(options: DestroyOptions): Promise<DestroyResult> {
  const resources = [...options.prior.values()].reverse();
  const protectedOnes = resources.filter((resource) => resource.protect);
  if (protectedOnes.length > 0) {
    throw new Error(
      `pulumi destroy of stack "${options.stack}" refused: ${protectedOnes.map((r) => `${r.type} "${r.name}"`).join(", ")} ` +
        "is protected. Run `pulumi state unprotect <urn>` for it first (its data goes with it).",
    );
  }
  return withPlugin(options.stack, options.projectDir, async (plugin) => {
    const steps: Step[] = [];
    let clock = 0;
    await plugin.configure(options.config);
    for (const resource of resources) {
      const started = ++clock;
      if (isDynamic(resource.type)) {
        try {
          await plugin.delete(
            refOf(options.stack, resource.type, resource.name),
            resource.id,
            resource.outputs,
            resource.inputs,
          );
        } catch (error) {
          const cause = error instanceof Error ? error.message : String(error);
          throw new Error(`deleting ${resource.type} "${resource.name}" failed: ${cause}`, {
            cause: error,
          });
        }
      }
      steps.push({
        kind: "delete",
        type: resource.type,
        name: resource.name,
        id: resource.id,
        started,
        finished: ++clock,
      });
    }
    return { steps };
  });
}

/** The state as `pulumi state unprotect --all` leaves it. */
export function unprotected(state: RehearsalState): RehearsalState {
  return new Map([...state].map(([key, resource]) => [key, { ...resource, protect: false }]));
}
