import type * as pulumi from "@pulumi/pulumi";
import { RailwayApiError, RailwayClient } from "./client";
import { ENDPOINT_CONFIG_KEY, resolveToken, TOKEN_CONFIG_KEY } from "./credentials";

/** Bumped whenever the provider's behaviour changes, so state written by older code is updated. */
export const PROVIDER_VERSION = "1";

/** Client tuning a test may shorten; plain numbers, so they serialize with the provider. */
export interface ClientTuning {
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
}

/**
 * Base of every Railway resource provider. The token arrives through
 * `configure` (stack config `railway:token`) or the environment at run time:
 * it is never captured in the serialized provider, so never written to state.
 */
export abstract class RailwayProvider {
  private configToken: string | undefined;
  private configEndpoint: string | undefined;

  constructor(private readonly tuning: ClientTuning = {}) {}

  async configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.configToken = request.config.get(TOKEN_CONFIG_KEY);
    this.configEndpoint = request.config.get(ENDPOINT_CONFIG_KEY);
  }

  /**
   * Railway is eventually consistent: a service's instance can be missing for a
   * moment after the service appears. Retries a read that says "not found".
   */
  protected async eventually<T>(read: () => Promise<T>, attempts = 8): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof RailwayApiError && error.isNotFound) || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, this.tuning.baseDelayMs ?? 1_000));
      }
    }
  }

  protected client(): RailwayClient {
    const { token, source } = resolveToken(this.configToken, process.env);
    return new RailwayClient({ token, tokenSource: source, endpoint: this.configEndpoint, ...this.tuning });
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
 */
export async function findOrCreate<T>(find: () => Promise<T | undefined>, create: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const existing = await find();
    if (existing) return existing;
    try {
      return await create();
    } catch (error) {
      const retryable = error instanceof RailwayApiError && (error.isAmbiguous || error.isConflict);
      if (!retryable || attempt >= CREATE_ATTEMPTS) throw error;
    }
  }
}

/** The subset of keys whose values differ, compared structurally. */
export function changedKeys<T extends object>(olds: Partial<T>, news: Partial<T>, keys: readonly (keyof T)[]): (keyof T)[] {
  return keys.filter((key) => JSON.stringify(olds[key] ?? null) !== JSON.stringify(news[key] ?? null));
}

/**
 * The diff every Railway resource uses: identity keys force a replacement
 * (deleted first where Railway keeps names unique), the rest update in place.
 */
export function diffByKeys<T extends object>(
  olds: Partial<T> & { providerVersion?: string },
  news: Partial<T> & { providerVersion?: string },
  replaceKeys: readonly (keyof T)[],
  updateKeys: readonly (keyof T)[],
  deleteBeforeReplace = false,
): pulumi.dynamic.DiffResult {
  const replaces = changedKeys(olds, news, replaceKeys).map(String);
  const updates = changedKeys(olds, news, updateKeys).map(String);
  const versionChanged = olds.providerVersion !== news.providerVersion;
  return {
    changes: replaces.length > 0 || updates.length > 0 || versionChanged,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && deleteBeforeReplace,
  };
}

/** Failures of `check`, naming the property and what is allowed. */
export function failure(property: string, reason: string): pulumi.dynamic.CheckFailure {
  return { property, reason };
}

/** One failure per Railway id the inputs lack, e.g. "the Railway service id is required". */
export function missingIds<K extends string>(inputs: Partial<Record<K, string>>, keys: readonly K[]): pulumi.dynamic.CheckFailure[] {
  return keys.filter((key) => !inputs[key]).map((key) => failure(key, `the Railway ${key.replace(/Id$/, "")} id is required`));
}
