import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME, readProviderSecrets, readStackConfig } from "../config";
import { declareStack, parseProductionOutputs } from "../stack";
import { computedState, invokeResult } from "./placeholders";

/** The SDK's wire form of a secret value, as the mock monitor receives it. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
export const SECRET_PLACEHOLDER = "[secret]";

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** Name of the parent resource; undefined for children of the stack itself. */
  readonly parent: string | undefined;
  readonly custom: boolean;
  /** Inputs as the provider would receive them (secrets revealed, for rules only). */
  readonly inputs: Record<string, unknown>;
  /** Inputs with every secret replaced by "[secret]", safe to print. */
  readonly displayInputs: Record<string, unknown>;
  readonly importId: string | undefined;
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  /** Names of the resources this one waits for beyond its inputs (`dependsOn`). */
  readonly dependsOn: readonly string[];
}

export interface PlannedOutput {
  readonly value: unknown;
  readonly secret: boolean;
}

export interface OfflinePlan {
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs: Readonly<Record<string, PlannedOutput>>;
}

export interface OfflineRunOptions {
  readonly stack: string;
  /** Full config map as `pulumi config` would hand it to the program ("ns:key" → string). */
  readonly config: Record<string, string>;
  /** Keys of `config` that are secret. */
  readonly secretKeys?: readonly string[];
  /** Outputs of referenced stacks, by stack name; missing ones are filled with placeholders. */
  readonly stackReferences?: Record<string, Record<string, unknown>>;
  /**
   * Answers registrations before the placeholders do (a rehearsal engine driving real
   * providers, say); resolving to undefined falls back to the placeholders.
   */
  readonly resourceHandler?: OfflineResourceHandler;
  /** Replaces the stack's program (a small test program); the stack config is then not validated. */
  readonly program?: () => Record<string, unknown>;
  /**
   * Serialize each dynamic resource's provider (`__provider`), as `up` does; needed only when a
   * plugin runs the providers (the rehearsal). Off, the run skips the SDK's closure serializer,
   * which loads TypeScript and walks every provider's code: most of an offline plan's time.
   */
  readonly serializeProviders?: boolean;
}

/** Stands in for a dynamic resource's serialized provider when nothing will run it. */
const UNSERIALIZED_PROVIDER = "(provider code not serialized offline)";

type ClosureSerializer = {
  serializeFunction: (
    func: unknown,
    args?: unknown,
  ) => Promise<{ text: string; containsSecrets: boolean }>;
};
type RuntimeState = { getStore(): { settings: { options: { cacheDynamicProviders: boolean } } } };

/**
 * The SDK's closure serializer, swapped for a stand-in during a run that does not need the
 * providers' code. `@pulumi/pulumi/dynamic` requires the module at each resource's construction
 * and calls `serializeFunction` on it, so replacing the export takes effect for that run. The
 * SDK caches each provider object's serialization: caching is off meanwhile, so a later run in
 * the same process (a rehearsal after a plan) serializes the real code.
 */
async function withProviderSerialization<T>(serialize: boolean, run: () => Promise<T>): Promise<T> {
  if (serialize) return run();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's own module object, patched for this run only
  const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as ClosureSerializer;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's own settings, for this run only
  const { options } = (require("@pulumi/pulumi/runtime/state") as RuntimeState).getStore().settings;
  const original = closure.serializeFunction;
  const caching = options.cacheDynamicProviders;
  closure.serializeFunction = () =>
    Promise.resolve({ text: UNSERIALIZED_PROVIDER, containsSecrets: false });
  options.cacheDynamicProviders = false;
  try {
    return await run();
  } finally {
    closure.serializeFunction = original;
    options.cacheDynamicProviders = caching;
  }
}

/** One registration as the mock monitor sees it, with the options a stack transformation saw. */
export interface OfflineResourceRequest {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** Inputs with secrets revealed. */
  readonly inputs: Record<string, unknown>;
  /** Top-level input keys whose value was secret. */
  readonly secretInputs: readonly string[];
  /** The `import:` option, if any. */
  readonly importId: string | undefined;
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
}

export interface OfflineResourceResult {
  readonly id: string;
  /** The resource's outputs; a value may be a secret in the SDK's wire form. */
  readonly state: Record<string, unknown>;
}

export type OfflineResourceHandler = (
  request: OfflineResourceRequest,
) => Promise<OfflineResourceResult | undefined>;

function isSecretWire(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && SECRET_SIGNATURE in value;
}

/** Returns the value with secrets revealed and with secrets redacted. */
function splitSecrets(value: unknown): { revealed: unknown; redacted: unknown } {
  if (isSecretWire(value)) {
    return { revealed: splitSecrets(value.value).revealed, redacted: SECRET_PLACEHOLDER };
  }
  if (Array.isArray(value)) {
    const parts = value.map(splitSecrets);
    return { revealed: parts.map((p) => p.revealed), redacted: parts.map((p) => p.redacted) };
  }
  if (typeof value === "object" && value !== null) {
    const revealed: Record<string, unknown> = {};
    const redacted: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const part = splitSecrets(inner);
      revealed[key] = part.revealed;
      redacted[key] = part.redacted;
    }
    return { revealed, redacted };
  }
  return { revealed: value, redacted: value };
}

function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/**
 * Registrations whose outputs nothing awaits (a lifecycle rule, say) may still be
 * in flight; the SDK's own drain is public in JavaScript but left out of its types.
 */
function waitForRegistrations(): Promise<void> {
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  if (!runtime.waitForRPCs)
    throw new Error(
      "@pulumi/pulumi no longer exposes runtime.waitForRPCs; update src/offline/mock-runtime.ts",
    );
  return runtime.waitForRPCs();
}

/** The `dependsOn` resources named directly (an Input of a list is not unwrapped: the program never passes one). */
function explicitDependencies(dependsOn: pulumi.ResourceOptions["dependsOn"]): pulumi.Resource[] {
  if (dependsOn === undefined) return [];
  const list = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return list.filter((entry): entry is pulumi.Resource => pulumi.Resource.isInstance(entry));
}

interface ResourceOptionsSeen {
  parent: pulumi.Resource | undefined;
  protect: boolean;
  importId: string | undefined;
  ignoreChanges: readonly string[];
  dependsOn: readonly pulumi.Resource[];
}

/**
 * Runs the real program on Pulumi's mock runtime: no engine, no cloud account,
 * no network. Returns the desired state: every resource with its inputs and
 * options, and the stack outputs.
 */
export async function runProgramOffline(options: OfflineRunOptions): Promise<OfflinePlan> {
  return withProviderSerialization(options.serializeProviders ?? true, () => runProgram(options));
}

async function runProgram(options: OfflineRunOptions): Promise<OfflinePlan> {
  const registered = new Map<string, { inputs: unknown; custom: boolean }>();
  // Filled by the stack transformation, which runs when a resource is constructed (before it registers).
  const optionsSeen = new Map<string, ResourceOptionsSeen>();
  const handled = async (
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<OfflineResourceResult | undefined> => {
    if (!options.resourceHandler) return undefined;
    const opts = optionsSeen.get(`${args.type}::${args.name}`);
    const rawInputs = (args.inputs ?? {}) as Record<string, unknown>;
    return options.resourceHandler({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs: splitSecrets(rawInputs).revealed as Record<string, unknown>,
      secretInputs: Object.keys(rawInputs).filter((key) => isSecretWire(rawInputs[key])),
      importId: args.id || opts?.importId,
      protect: opts?.protect ?? false,
      ignoreChanges: opts?.ignoreChanges ?? [],
    });
  };
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        registered.set(`${args.type}::${args.name}`, {
          inputs: args.inputs,
          custom: args.custom ?? true,
        });
        const answer = await handled(args);
        if (answer) return answer;
        if (args.type === "pulumi:pulumi:StackReference") {
          const stackName = String(
            (splitSecrets(args.inputs).revealed as { name?: unknown }).name ?? args.name,
          );
          return {
            id: stackName,
            state: { name: stackName, outputs: options.stackReferences?.[stackName] ?? {} },
          };
        }
        const inputs = splitSecrets(args.inputs).revealed as Record<string, unknown>;
        const state = computedState(args.type, args.name, inputs);
        return { id: args.id || state.id, state: { ...inputs, ...state.outputs } };
      },
      call(args) {
        return invokeResult(
          args.token,
          splitSecrets(args.inputs).revealed as Record<string, unknown>,
        );
      },
    },
    PROJECT_NAME,
    options.stack,
    false,
  );
  pulumi.runtime.setAllConfig(options.config, [...(options.secretKeys ?? [])]);
  // Parsed outside the stack's init, where a throw would only surface as an unhandled rejection.
  const config = options.program ? undefined : readStackConfig();
  if (config?.environment === "staging")
    parseProductionOutputs(
      config.railway.productionStack,
      options.stackReferences?.[config.railway.productionStack] ?? {},
    );

  const seen: {
    type: string;
    name: string;
    resource: pulumi.Resource;
    opts: ResourceOptionsSeen;
  }[] = [];
  let outputs: Record<string, unknown> = {};
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      const opts: ResourceOptionsSeen = {
        parent: args.opts.parent,
        protect: args.opts.protect === true,
        importId: (args.opts as pulumi.CustomResourceOptions).import,
        ignoreChanges: args.opts.ignoreChanges ?? [],
        dependsOn: explicitDependencies(args.opts.dependsOn),
      };
      seen.push({ type: args.type, name: args.name, resource: args.resource, opts });
      optionsSeen.set(`${args.type}::${args.name}`, opts);
      return undefined;
    });
    outputs = config
      ? await declareStack(config, readProviderSecrets())
      : (options.program?.() ?? {});
    return undefined;
  });

  const resolvedOutputs: Record<string, PlannedOutput> = {};
  for (const [key, value] of Object.entries(outputs)) {
    const output = pulumi.output(value);
    resolvedOutputs[key] = { value: await unwrap(output), secret: await pulumi.isSecret(output) };
  }
  await waitForRegistrations();

  const names = new Map(seen.map((entry) => [entry.resource, entry.name]));
  const resources = seen.map(({ type, name, opts }): PlannedResource => {
    const record = registered.get(`${type}::${name}`);
    const { revealed, redacted } = splitSecrets(record?.inputs ?? {});
    return {
      type,
      name,
      parent: opts.parent && names.get(opts.parent),
      custom: record?.custom ?? true,
      inputs: revealed as Record<string, unknown>,
      displayInputs: redacted as Record<string, unknown>,
      importId: opts.importId,
      protect: opts.protect,
      ignoreChanges: opts.ignoreChanges,
      dependsOn: opts.dependsOn
        .map((resource) => names.get(resource))
        .filter((name): name is string => name !== undefined),
    };
  });
  return { stack: options.stack, resources, outputs: resolvedOutputs };
}
