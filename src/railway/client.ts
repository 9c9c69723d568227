import type { Operation } from "./operations";

export const RAILWAY_ENDPOINT = "https://backboard.railway.com/graphql/v2";

export interface GraphQLErrorShape {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

/** One error type for every failure: which operation, the HTTP status, and Railway's GraphQL errors. */
export class RailwayApiError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number | undefined,
    readonly errors: readonly GraphQLErrorShape[],
    message: string,
  ) {
    const text = `Railway ${operation} failed${status ? ` (HTTP ${status})` : ""}: ${message}`;
    super(text);
    // Set again: Pulumi serializes the provider's code, and a serialized subclass of Error loses
    // the message its super() call set (the engine then reports an error with no text).
    this.message = text;
    this.name = "RailwayApiError";
  }

  /**
   * Railway answers a missing or deleted id with an error whose message says so, often without a
   * code. Never for a refused token or a failed server: callers read "not found" as "already
   * gone", and a guard that did so on an outage would delete what it should have kept.
   */
  get isNotFound(): boolean {
    if (this.isAmbiguous || this.isUnauthorized) return false;
    return this.errors.some(
      (error) => /not found/i.test(error.message) || error.extensions?.code === "NOT_FOUND",
    );
  }

  /** No answer or a server error: Railway may or may not have run the operation. */
  get isAmbiguous(): boolean {
    return this.status === undefined || this.status >= 500;
  }

  /** Railway keeps names unique per project and says so. */
  get isConflict(): boolean {
    return this.errors.some((error) => /already exists/i.test(error.message));
  }

  /**
   * Railway refused to run the operation for now: a throttle or a transient race
   * reported as a GraphQL error (HTTP 200), e.g. `extensions.code: "RATE_LIMITED"`,
   * "You are creating volumes too quickly", "Failed to create service domain,
   * please try again", and project/environment creates limited to about one per
   * 30 s (alchemy `packages/alchemy/src/Railway/transient.ts`).
   * Nothing was done, so resending is safe even for a create.
   */
  get isTransient(): boolean {
    return this.errors.some(
      (error) =>
        error.extensions?.code === "RATE_LIMITED" ||
        /too quickly|please try again|try again in a sec|rate.?limit|can be created per user every/i.test(
          error.message,
        ),
    );
  }

  get isUnauthorized(): boolean {
    return (
      this.status === 401 ||
      this.status === 403 ||
      this.errors.some((error) => /not authorized|unauthorized/i.test(error.message))
    );
  }
}

export interface RailwayClientOptions {
  readonly token: string;
  /** Where the token came from, named in authentication errors. */
  readonly tokenSource: string;
  readonly endpoint?: string;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  readonly baseDelayMs?: number;
  /** Least wait after a GraphQL-level throttle; Railway limits some creates to one per 30 s. */
  readonly throttleDelayMs?: number;
  /** Longest single wait a `Retry-After` may ask for (default 60 s). */
  readonly maxRetryAfterMs?: number;
  /** Longest total wait of one request across its retries (default 150 s); past it the request fails. */
  readonly retryBudgetMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Railway's published limits (docs `integrations/api.md`): 100 / 1,000 / 10,000 requests an hour
 * (Free / Hobby / Pro) and 10 / 50 a second (Hobby / Pro); `Retry-After` comes when a window is spent.
 */
const RATE_LIMIT_HINT =
  "Railway allows 1,000 API requests an hour on Hobby (10,000 on Pro; docs integrations/api.md)";

/**
 * How long until the spent window reopens, and when: `Retry-After` (seconds), else
 * `X-RateLimit-Reset` (Unix seconds, or a date; which form Railway sends is unverified).
 * Undefined when neither says.
 */
export function rateLimitWait(
  headers: Headers,
  now: number,
): { waitMs: number; resetAt: number } | undefined {
  const retryAfter = headers.get("retry-after");
  if (retryAfter !== null && retryAfter.trim() !== "" && Number.isFinite(Number(retryAfter))) {
    const waitMs = Math.max(Number(retryAfter), 0) * 1000;
    return { waitMs, resetAt: now + waitMs };
  }
  const reset = headers.get("x-ratelimit-reset");
  if (reset === null || reset.trim() === "") return undefined;
  const resetAt = Number.isFinite(Number(reset)) ? Number(reset) * 1000 : Date.parse(reset);
  return Number.isNaN(resetAt) ? undefined : { waitMs: Math.max(resetAt - now, 0), resetAt };
}

/** A plain array: Pulumi serializes the provider's code, and a Set does not survive that. */
const RETRYABLE_STATUS = [429, 500, 502, 503, 504];

/**
 * A small GraphQL client: one request per call, a timeout per request, and
 * bounded retries with backoff on throttling (HTTP 429 honouring Retry-After,
 * or a GraphQL throttle error), 5xx and dropped connections; any other failure
 * is final.
 */
export class RailwayClient {
  private readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly throttleDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly retryBudgetMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RailwayClientOptions) {
    this.endpoint = options.endpoint ?? RAILWAY_ENDPOINT;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.throttleDelayMs = options.throttleDelayMs ?? 10_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.retryBudgetMs = options.retryBudgetMs ?? 150_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Sends the operation, retrying what is safe to resend. Each wait is bounded (a `Retry-After`
   * by `maxRetryAfterMs`) and so is their sum (`retryBudgetMs`): an hourly window spent would
   * otherwise stall `up` for up to an hour per call (alchemy caps its whole budget at 45 s,
   * `RetryPolicy.ts`). A rate limit that outlasts the budget fails at once, naming when it resets.
   */
  async request<TData>(
    operation: Operation<TData>,
    variables: Record<string, unknown>,
  ): Promise<TData> {
    let waited = 0;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(operation, variables);
      if (outcome.kind === "done") return outcome.data;
      // Railway did not run a throttled request (429 or a GraphQL throttle), so even a create may be resent.
      const throttled =
        outcome.kind === "retry" && (outcome.error.status === 429 || outcome.error.isTransient);
      const safeToResend = operation.idempotent || throttled;
      if (outcome.kind === "fatal" || !safeToResend) throw outcome.error;
      const remaining = this.retryBudgetMs - waited;
      const { rateLimit } = outcome;
      if (rateLimit && rateLimit.waitMs > remaining)
        throw this.rateLimitOutlasts(operation.name, rateLimit.resetAt);
      if (attempt >= this.maxRetries) throw outcome.error;
      const backoff = this.baseDelayMs * 2 ** attempt;
      const wait = rateLimit
        ? Math.min(rateLimit.waitMs, this.maxRetryAfterMs)
        : outcome.error.isTransient
          ? Math.max(backoff, this.throttleDelayMs)
          : backoff;
      if (wait > remaining)
        throw outcome.error.status === 429
          ? this.rateLimitOutlasts(operation.name, undefined)
          : outcome.error;
      waited += wait;
      await this.sleep(wait);
    }
  }

  private rateLimitOutlasts(operation: string, resetAt: number | undefined): RailwayApiError {
    const when =
      resetAt === undefined
        ? "Railway did not say when it resets"
        : `it resets at ${new Date(resetAt).toISOString()}`;
    return new RailwayApiError(
      operation,
      429,
      [],
      `rate limited beyond this run's retry budget (${Math.round(this.retryBudgetMs / 1000)} s): ${when}. ${RATE_LIMIT_HINT}. ` +
        "Run `pulumi up` again after the reset; polling less (fewer ServiceConfigs changed at once) uses fewer requests.",
    );
  }

  private rejectedToken(
    operation: string,
    status: number,
    errors: readonly GraphQLErrorShape[],
  ): RailwayApiError {
    return new RailwayApiError(
      operation,
      status,
      errors,
      `Railway rejected the token from ${this.options.tokenSource}. Set a valid workspace or account token: ` +
        "`pulumi config set --secret railway:token <token>` or RAILWAY_API_TOKEN.",
    );
  }

  private async attempt<TData>(
    operation: Operation<TData>,
    variables: Record<string, unknown>,
  ): Promise<
    | { kind: "done"; data: TData }
    | { kind: "retry"; error: RailwayApiError; rateLimit?: { waitMs: number; resetAt: number } }
    | { kind: "fatal"; error: RailwayApiError }
  > {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${this.options.token}`,
        },
        body: JSON.stringify({
          query: operation.document,
          variables,
          operationName: operation.name,
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const reason =
        cause instanceof Error && cause.name === "TimeoutError"
          ? `no answer within ${this.timeoutMs} ms`
          : `connection failed (${String((cause as Error).cause ?? cause)})`;
      return { kind: "retry", error: new RailwayApiError(operation.name, undefined, [], reason) };
    }

    if (RETRYABLE_STATUS.includes(response.status)) {
      return {
        kind: "retry",
        error: new RailwayApiError(
          operation.name,
          response.status,
          [],
          response.status === 429 ? "rate limited" : "server error",
        ),
        rateLimit: rateLimitWait(response.headers, Date.now()),
      };
    }

    if (response.status === 401 || response.status === 403) {
      return { kind: "fatal", error: this.rejectedToken(operation.name, response.status, []) };
    }
    let body: { data?: unknown; errors?: GraphQLErrorShape[] };
    try {
      body = (await response.json()) as typeof body;
    } catch {
      return {
        kind: "fatal",
        error: new RailwayApiError(
          operation.name,
          response.status,
          [],
          `the answer was not JSON (${response.statusText})`,
        ),
      };
    }
    if (body.errors?.length) {
      const error = new RailwayApiError(
        operation.name,
        response.status,
        body.errors,
        body.errors.map((e) => e.message).join("; "),
      );
      if (error.isUnauthorized)
        return {
          kind: "fatal",
          error: this.rejectedToken(operation.name, response.status, body.errors),
        };
      return error.isTransient ? { kind: "retry", error } : { kind: "fatal", error };
    }
    if (!response.ok) {
      return {
        kind: "fatal",
        error: new RailwayApiError(operation.name, response.status, [], response.statusText),
      };
    }

    // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time so Pulumi can serialize the provider
    const { z } = require("zod") as typeof import("zod");
    const parsed = operation.response(z).safeParse(body.data);
    if (!parsed.success) {
      const details = parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
        .join("; ");
      return {
        kind: "fatal",
        error: new RailwayApiError(
          operation.name,
          response.status,
          [],
          `unexpected answer (has Railway's API changed?): ${details}`,
        ),
      };
    }
    return { kind: "done", data: parsed.data };
  }
}
