import type * as pulumi from "@pulumi/pulumi";
import { RailwayApiError, RailwayClient } from "./client";
import { ENDPOINT_CONFIG_KEY, resolveToken, TOKEN_CONFIG_KEY } from "./credentials";
import type { DeployWait } from "./deployments";
import { readEnvironment, type LiveEnvironment, type LiveServiceEntry } from "./environment-config";
import { ENVIRONMENT_PATCH_COMMIT, SERVICE } from "./operations";

/** Bumped whenever the provider's behaviour changes, so state written by older code is updated. */
export const PROVIDER_VERSION = "2";

/**
 * Waits and retries of a provider's client, each with its default when unset; the simulator's
 * tests shorten them through the provider's constructor. Plain numbers, so they serialize with
 * the provider.
 */
export interface ClientTuning {
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  /** Least wait after a GraphQL-level throttle (RATE_LIMITED, "too quickly"); default 10 s. */
  readonly throttleDelayMs?: number;
  /** Wait between reads of an object Railway has not made visible yet; default 1 s. */
  readonly consistencyDelayMs?: number;
  /** Wait between polls of a deployment's status; default 5 s. */
  readonly pollIntervalMs?: number;
}

export const DEPLOY_TIMEOUT_CONFIG_KEY = "railway:deployTimeoutSeconds";
const POLL_INTERVAL_CONFIG_KEY = "railway:pollIntervalMs";
export const DEFAULT_DEPLOY_TIMEOUT_SECONDS = 600;

/** What every Railway resource's inputs carry. */
export interface RailwayInputs {
  providerVersion: string;
}

/** And its outputs: an object found rather than created (adopted) is never deleted. */
export interface RailwayOutputs extends RailwayInputs {
  adopted: boolean;
}

/** The inputs whose change replaces the Railway object (they name another one), and those updated in place. */
export interface DiffKeys<I> {
  readonly replace: readonly (keyof I & string)[];
  readonly update: readonly (keyof I & string)[];
}

/**
 * Base of every Railway resource provider: each one supplies its checks, the keys its diff
 * compares, and create, read, update and delete of what it owns; this base does the rest the same
 * way for all. The token arrives through `configure` (stack config `railway:token`) or the
 * environment at run time: it is never captured in the serialized provider, so never written to
 * state.
 */
export abstract class RailwayProvider<
  I extends RailwayInputs = RailwayInputs,
  O extends I & RailwayOutputs = I & RailwayOutputs,
> implements pulumi.dynamic.ResourceProvider<I, O> {
  private configToken: string | undefined;
  private configEndpoint: string | undefined;
  /** Stack config `railway:deployTimeoutSeconds`, if set. */
  protected configDeployTimeoutSeconds: number | undefined;
  /** Stack config `railway:pollIntervalMs`, if set: every wait between reads of Railway. */
  private configPollIntervalMs: number | undefined;

  constructor(protected readonly tuning: ClientTuning = {}) {}

  /** Declared `satisfies DiffKeys<Inputs>`, so every key is checked; plain arrays, which serialize with the provider. */
  protected abstract readonly diffKeys: {
    readonly replace: readonly string[];
    readonly update: readonly string[];
  };

  /** What is wrong with the inputs, each failure naming the property and what is allowed. */
  protected abstract checkFailures(news: I, olds: I): pulumi.dynamic.CheckFailure[];

  /** The live object as outputs, or undefined when it is gone (refresh then drops it from state). */
  protected abstract readLive(id: string, props?: O): Promise<O | undefined>;

  /** Deletes an object this stack created; never called for an adopted one. */
  protected abstract deleteOwned(id: string, props: O): Promise<void>;

  abstract create(inputs: I): Promise<pulumi.dynamic.CreateResult<O>>;

  abstract update(id: string, olds: O, news: I): Promise<pulumi.dynamic.UpdateResult<O>>;

  async check(olds: I, news: I): Promise<pulumi.dynamic.CheckResult<I>> {
    return { inputs: news, failures: this.checkFailures(news, olds) };
  }

  async diff(_id: string, olds: O, news: I): Promise<pulumi.dynamic.DiffResult> {
    return diffByKeys(olds, news, this.diffKeys.replace, this.diffKeys.update);
  }

  async read(id: string, props?: O): Promise<pulumi.dynamic.ReadResult<O>> {
    const live = await this.readLive(id, props);
    return live ? refreshed(id, live) : { id: "" };
  }

  async delete(id: string, props: O): Promise<void> {
    if (props.adopted) return;
    await this.deleteOwned(id, props);
  }

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.configToken = request.config.get(TOKEN_CONFIG_KEY);
    this.configEndpoint = request.config.get(ENDPOINT_CONFIG_KEY);
    const timeout = request.config.get(DEPLOY_TIMEOUT_CONFIG_KEY);
    if (timeout !== undefined && timeout !== "") {
      const seconds = Number(timeout);
      if (!(seconds > 0))
        throw new Error(
          `${DEPLOY_TIMEOUT_CONFIG_KEY} must be a positive number of seconds, not "${timeout}".`,
        );
      this.configDeployTimeoutSeconds = seconds;
    }
    const interval = request.config.get(POLL_INTERVAL_CONFIG_KEY);
    if (interval !== undefined && interval !== "") {
      const ms = Number(interval);
      if (!Number.isInteger(ms) || ms < 0)
        throw new Error(
          `${POLL_INTERVAL_CONFIG_KEY} must be a whole number of milliseconds, not "${interval}".`,
        );
      this.configPollIntervalMs = ms;
    }
  }

  /** Waits between polls or re-reads; the stack config or a test's tuning can shorten it. */
  protected pause(ms: number): Promise<void> {
    const wait = this.configPollIntervalMs ?? ms;
    return new Promise((resolve) => setTimeout(resolve, wait));
  }

  /**
   * Railway is eventually consistent: an instance can be missing for a moment
   * after its service appears (alchemy retries 8×1 s; its domains 12×5 s for
   * "ServiceInstance not found"). Retries a call that says "not found".
   */
  protected async eventually<T>(read: () => Promise<T>, attempts = 8, delayMs = 1_000): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof RailwayApiError && error.isNotFound) || attempt >= attempts)
          throw error;
        await this.pause(this.tuning.consistencyDelayMs ?? delayMs);
      }
    }
  }

  /**
   * The service's entry in the environment's config, waiting for it when
   * Railway is still fanning a new service out: `serviceCreate` gives the service
   * an instance in every environment that is not a fork (schema,
   * `ServiceCreateInput.environmentId`), asynchronously (alchemy `packages/alchemy/src/Railway`, which waits 8×1 s).
   * An instance is awaited only where one is coming: not in a fork, and not in an
   * environment created after the service (created empty, CLI
   * `environment/new.rs`). Returns the environment as last read.
   */
  protected async awaitInstance(
    client: RailwayClient,
    environment: LiveEnvironment,
    serviceId: string,
  ): Promise<{ environment: LiveEnvironment; entry: LiveServiceEntry | undefined }> {
    let current = environment;
    if (current.services[serviceId])
      return { environment: current, entry: current.services[serviceId] };
    if (current.isEphemeral) return { environment: current, entry: undefined };
    const { service } = await client.request(SERVICE, { id: serviceId });
    if (Date.parse(current.createdAt) > Date.parse(service.createdAt))
      return { environment: current, entry: undefined };
    for (let attempt = 1; attempt < 8 && !current.services[serviceId]; attempt++) {
      await this.pause(this.tuning.consistencyDelayMs ?? 1_000);
      current = await readEnvironment(client, current.id);
    }
    return { environment: current, entry: current.services[serviceId] };
  }

  /**
   * Makes sure the service has an instance in the environment, for objects that
   * need one (a volume, a domain) and may come before its ServiceConfig: an
   * environment created empty has none. Adds an empty one (`isCreated: true`, as
   * CLI `environment/new.rs` does when duplicating); an empty service has nothing
   * to deploy. Committed directly (`environmentPatchCommit`), not through the
   * stage: a volume and a domain are created in parallel with other services'
   * ServiceConfigs, which stage and commit in the same environment.
   */
  protected async ensureInstance(
    client: RailwayClient,
    environmentId: string,
    serviceId: string,
  ): Promise<void> {
    const { environment, entry } = await this.awaitInstance(
      client,
      await readEnvironment(client, environmentId),
      serviceId,
    );
    if (entry) return;
    await client.request(ENVIRONMENT_PATCH_COMMIT, {
      environmentId: environment.id,
      patch: { services: { [serviceId]: { isCreated: true } } },
      commitMessage: `pulumi: add service ${serviceId} to ${environment.name}`,
    });
  }

  /** How to wait on one service in one environment: the tuning's and the stack config's pauses. */
  protected deployWait(
    environment: { id: string; name: string },
    target: Pick<
      DeployWait,
      "projectId" | "serviceId" | "serviceName" | "timeoutSeconds" | "cron" | "warn"
    >,
  ): DeployWait {
    return {
      ...target,
      environmentId: environment.id,
      environmentName: environment.name,
      pollIntervalMs: this.tuning.pollIntervalMs,
      consistencyDelayMs: this.tuning.consistencyDelayMs ?? 1_000,
      pause: (ms) => this.pause(ms),
    };
  }

  protected client(): RailwayClient {
    const { token, source } = resolveToken(this.configToken, process.env);
    const { timeoutMs, maxRetries, baseDelayMs, throttleDelayMs } = this.tuning;
    return new RailwayClient({
      token,
      tokenSource: source,
      endpoint: this.configEndpoint,
      timeoutMs,
      maxRetries,
      baseDelayMs,
      throttleDelayMs,
    });
  }
}

/** Resolves to undefined when Railway says the object does not exist (or no longer does). */
export async function unlessNotFound<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof RailwayApiError && error.isNotFound) return undefined;
    throw error;
  }
}

/** How many times a create is re-attempted after an ambiguous failure that left nothing behind. */
const CREATE_ATTEMPTS = 3;

/**
 * Adopt-or-create, safe under partial failure: Railway has no labels or
 * idempotency keys, so an object is found by its name (or owner) first, and
 * after a create whose outcome is unknown (connection dropped, 5xx) or that hit
 * "already exists", it is looked up again before anything is sent twice.
 *
 * `adopted` is true only when the object existed before this call sent
 * anything: one found after our own ambiguous create is taken to be ours.
 */
export async function findOrCreate<T>(
  find: () => Promise<T | undefined>,
  create: () => Promise<T>,
): Promise<{ value: T; adopted: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const existing = await find();
    if (existing) return { value: existing, adopted: attempt === 1 };
    try {
      return { value: await create(), adopted: false };
    } catch (error) {
      const retryable = error instanceof RailwayApiError && (error.isAmbiguous || error.isConflict);
      if (!retryable || attempt >= CREATE_ATTEMPTS) throw error;
    }
  }
}

/** The subset of keys whose values differ, compared structurally. */
function changedKeys(olds: object, news: object, keys: readonly string[]): string[] {
  const value = (side: object, key: string) =>
    JSON.stringify((side as Record<string, unknown>)[key] ?? null);
  return keys.filter((key) => value(olds, key) !== value(news, key));
}

/**
 * The diff every Railway resource uses: identity keys force a replacement, the rest update in
 * place, and a new provider version updates state written by older code.
 */
function diffByKeys(
  olds: RailwayInputs,
  news: RailwayInputs,
  replaceKeys: readonly string[],
  updateKeys: readonly string[],
): pulumi.dynamic.DiffResult {
  const replaces = changedKeys(olds, news, replaceKeys);
  const updates = changedKeys(olds, news, updateKeys);
  const versionChanged = olds.providerVersion !== news.providerVersion;
  return { changes: replaces.length > 0 || updates.length > 0 || versionChanged, replaces };
}

/** Failures of `check`, naming the property and what is allowed. */
export function failure(property: string, reason: string): pulumi.dynamic.CheckFailure {
  return { property, reason };
}

/** One failure per Railway id the inputs lack, e.g. "the Railway service id is required". */
export function missingIds<K extends string>(
  inputs: Partial<Record<K, string>>,
  keys: readonly K[],
): pulumi.dynamic.CheckFailure[] {
  return keys
    .filter((key) => !inputs[key])
    .map((key) => failure(key, `the Railway ${key.replace(/Id$/, "")} id is required`));
}

/**
 * What `read` hands back to refresh, without undefined values: the dynamic-provider plugin
 * encodes it as a protobuf Struct, which rejects undefined ("Unexpected struct type"), so a
 * refresh of a resource with an unset optional input would fail.
 */
function refreshed<T>(id: string, outs: T): { id: string; props: T; inputs: T } {
  const defined = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(defined);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => inner !== undefined)
        .map(([key, inner]) => [key, defined(inner)]),
    );
  };
  const clean = defined(outs) as T;
  return { id, props: clean, inputs: clean };
}
