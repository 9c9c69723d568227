import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RailwayApiError, RailwayClient, rateLimitWait } from "../../src/railway/client";
import {
  PROJECT,
  PROJECT_CREATE,
  PROJECTS_IN_WORKSPACE,
  type Operation,
} from "../../src/railway/operations";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";
import { startRailwaySimulator, type RailwaySimulator } from "../../test-support/railway-simulator";

let sim: RailwaySimulator;
let sleeps: number[];
let client: RailwayClient;

const listProjects = () => client.request(PROJECTS_IN_WORKSPACE, { workspaceId: sim.workspaceId });

async function failureOf(promise: Promise<unknown>): Promise<RailwayApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RailwayApiError);
  return error as RailwayApiError;
}

describeWithRailwaySchema("RailwayClient", () => {
  beforeEach(async () => {
    sim = await startRailwaySimulator();
    sleeps = [];
    client = new RailwayClient({
      token: sim.token,
      tokenSource: "stack config railway:token",
      endpoint: sim.url,
      timeoutMs: 300,
      maxRetries: 3,
      baseDelayMs: 10,
      throttleDelayMs: 25,
      sleep: async (ms) => void sleeps.push(ms),
    });
  });
  afterEach(() => sim.close());

  it("waits as long as Retry-After says on 429, then succeeds", async () => {
    sim.injectFault({ fault: { kind: "status", status: 429, retryAfterSeconds: 7 } });
    await expect(listProjects()).resolves.toEqual({ projects: { edges: [] } });
    expect(sleeps).toEqual([7000]);
    expect(sim.stats.requests).toBe(2);
  });

  it("backs off exponentially on 5xx and dropped connections, within a bound", async () => {
    sim.injectFault({ fault: { kind: "status", status: 502 } });
    sim.injectFault({ fault: { kind: "drop" } });
    sim.injectFault({ fault: { kind: "status", status: 503 } });
    await listProjects();
    expect(sleeps).toEqual([10, 20, 40]);

    sim.injectFault({ fault: { kind: "status", status: 500 }, times: 4 });
    const error = await failureOf(listProjects());
    expect(error.status).toBe(500);
    expect(error.operation).toBe("ProjectsInWorkspace");
  });

  it("gives up on a slow answer after its timeout and retries", async () => {
    sim.injectFault({ fault: { kind: "delay", ms: 1_000 } });
    await listProjects();
    expect(sleeps).toHaveLength(1);
  });

  it("says a slow answer timed out, naming the timeout, when the retries run out", async () => {
    sim.injectFault({ fault: { kind: "delay", ms: 1_000 }, times: 4 });
    const error = await failureOf(listProjects());
    expect(error.message).toBe("Railway ProjectsInWorkspace failed: no answer within 300 ms");
    expect(error.isAmbiguous).toBe(true);
  });

  it("retries a gateway timeout (504) like any server error", async () => {
    sim.injectFault({ fault: { kind: "status", status: 504 } });
    await expect(listProjects()).resolves.toEqual({ projects: { edges: [] } });
    expect(sleeps).toEqual([10]);
  });

  it("caps each Retry-After wait at a minute", async () => {
    sim.injectFault({ fault: { kind: "status", status: 429, retryAfterSeconds: 90 } });
    await listProjects();
    expect(sleeps).toEqual([60_000]);
  });

  it("bounds the total wait of one request, then fails naming the Hobby limit", async () => {
    sim.injectFault({ fault: { kind: "status", status: 429, retryAfterSeconds: 59 }, times: 3 });
    const error = await failureOf(listProjects());
    expect(sleeps).toEqual([59_000, 59_000]);
    expect(error.status).toBe(429);
    expect(error.message).toContain("rate limited beyond this run's retry budget (150 s)");
    expect(error.message).toContain("1,000 API requests an hour on Hobby");
  });

  it("fails at once, naming when the window resets, when Retry-After outlasts the budget", async () => {
    const before = Date.now();
    sim.injectFault({ fault: { kind: "status", status: 429, retryAfterSeconds: 3600 } });
    const error = await failureOf(listProjects());
    expect(sleeps).toEqual([]);
    const resetAt = Date.parse(/it resets at (\S+)\./.exec(error.message)?.[1] ?? "");
    expect(resetAt - before).toBeGreaterThanOrEqual(3_600_000);
    expect(resetAt - before).toBeLessThan(3_610_000);
  });

  it("does not resend a create after an ambiguous failure, only after a throttle", async () => {
    const create = () =>
      client.request(PROJECT_CREATE, { input: { name: "p", workspaceId: sim.workspaceId } });
    sim.injectFault({ field: "projectCreate", fault: { kind: "status", status: 500 } });
    expect((await failureOf(create())).isAmbiguous).toBe(true);
    expect(sim.stats.byField.projectCreate ?? 0).toBe(0);

    sim.injectFault({
      field: "projectCreate",
      fault: { kind: "status", status: 429, retryAfterSeconds: 1 },
    });
    await create();
    expect(sim.stats.byField.projectCreate).toBe(1);
  });

  it("retries a GraphQL RATE_LIMITED error, even for a create, waiting at least the throttle delay", async () => {
    const create = () =>
      client.request(PROJECT_CREATE, { input: { name: "p", workspaceId: sim.workspaceId } });
    sim.injectFault({
      field: "projectCreate",
      fault: { kind: "graphqlError", message: "Too many requests", code: "RATE_LIMITED" },
    });
    sim.injectFault({
      field: "projectCreate",
      fault: {
        kind: "graphqlError",
        message: "Whoa there pal! You are creating volumes too quickly. Try again in a sec",
      },
    });
    sim.injectFault({
      field: "projectCreate",
      fault: { kind: "graphqlError", message: "Failed to create service domain, please try again" },
    });
    await create();
    expect(sleeps).toEqual([25, 25, 40]);
    expect(sim.stats.byField.projectCreate).toBe(1);
    expect(sim.state.projects.size).toBe(1);
  });

  it("gives up on a throttle that lasts beyond its retries, keeping Railway's error", async () => {
    sim.injectFault({
      fault: { kind: "graphqlError", message: "Rate limit exceeded", code: "RATE_LIMITED" },
      times: 4,
    });
    const error = await failureOf(listProjects());
    expect(error.isTransient).toBe(true);
    expect(error.message).toBe(
      "Railway ProjectsInWorkspace failed (HTTP 200): Rate limit exceeded",
    );
    expect(sleeps).toHaveLength(3);
  });

  it("does not retry other GraphQL errors, and keeps operation, status and errors", async () => {
    const error = await failureOf(client.request(PROJECT, { id: "prj-missing" }));
    expect(sleeps).toEqual([]);
    expect(error.isNotFound).toBe(true);
    expect(error.status).toBe(200);
    expect(error.errors[0]?.message).toBe("Project not found");
    expect(error.message).toBe("Railway Project failed (HTTP 200): Project not found");
  });

  it("names the setting to fix when the token is rejected", async () => {
    const rejected = new RailwayClient({
      token: "wrong",
      tokenSource: "environment variable RAILWAY_API_TOKEN",
      endpoint: sim.url,
    });
    const error = await failureOf(
      rejected.request(PROJECTS_IN_WORKSPACE, { workspaceId: sim.workspaceId }),
    );
    expect(error.isUnauthorized).toBe(true);
    expect(error.message).toContain(
      "Railway rejected the token from environment variable RAILWAY_API_TOKEN",
    );
    expect(error.message).toContain("pulumi config set --secret railway:token");
    expect(error.message).not.toContain("wrong");
  });

  it("treats an HTTP 403 page as a rejected token, without retrying", async () => {
    let hits = 0;
    const gateway = createServer((_request, response) => {
      hits += 1;
      response.writeHead(403, { "content-type": "text/html" }).end("<html>Forbidden</html>");
    });
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    try {
      const behindGateway = new RailwayClient({
        token: "t",
        tokenSource: "stack config railway:token",
        endpoint: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/graphql/v2`,
        sleep: async () => undefined,
      });
      const error = await failureOf(
        behindGateway.request(PROJECTS_IN_WORKSPACE, { workspaceId: "ws" }),
      );
      expect(error.status).toBe(403);
      expect(error.message).toContain("Railway rejected the token from stack config railway:token");
      expect(hits).toBe(1);
    } finally {
      gateway.close();
    }
  });

  it("reads X-RateLimit-Reset when there is no Retry-After", async () => {
    const resetSeconds = Math.floor(Date.now() / 1000) + 7200;
    const limiter = createServer((_request, response) => {
      response
        .writeHead(429, {
          "content-type": "application/json",
          "x-ratelimit-reset": String(resetSeconds),
        })
        .end("{}");
    });
    await new Promise<void>((resolve) => limiter.listen(0, "127.0.0.1", resolve));
    try {
      const limited = new RailwayClient({
        token: "t",
        tokenSource: "stack config railway:token",
        endpoint: `http://127.0.0.1:${(limiter.address() as AddressInfo).port}/graphql/v2`,
        sleep: async (ms) => void sleeps.push(ms),
      });
      const error = await failureOf(limited.request(PROJECTS_IN_WORKSPACE, { workspaceId: "ws" }));
      expect(error.message).toContain(
        `it resets at ${new Date(resetSeconds * 1000).toISOString()}`,
      );
      expect(sleeps).toEqual([]);
    } finally {
      limiter.close();
    }
  });

  it("fails loudly, naming operation and field, when an answer has an unexpected shape", async () => {
    const drifted: Operation<unknown> = {
      ...PROJECTS_IN_WORKSPACE,
      response: (z) =>
        z.object({ projects: z.object({ edges: z.array(z.unknown()), total: z.number() }) }),
    };
    const error = await failureOf(client.request(drifted, { workspaceId: sim.workspaceId }));
    expect(error.message).toContain("Railway ProjectsInWorkspace failed");
    expect(error.message).toContain("projects.total");
    expect(error.message).toContain("has Railway's API changed?");
    expect(error.errors).toEqual([]);
  });
});

describe("RailwayApiError.isNotFound", () => {
  const errorOf = (status: number | undefined, message: string) =>
    new RailwayApiError("Service", status, [{ message }], message);

  it("is true for Railway's not-found answers", () => {
    expect(errorOf(200, "Service not found").isNotFound).toBe(true);
    expect(
      new RailwayApiError(
        "Service",
        200,
        [{ message: "gone", extensions: { code: "NOT_FOUND" } }],
        "gone",
      ).isNotFound,
    ).toBe(true);
  });

  it("is false for a refused token, a server failure or any other error, which must not read as 'already gone'", () => {
    expect(errorOf(200, "Not Authorized").isNotFound).toBe(false);
    expect(errorOf(401, "Token not found").isNotFound).toBe(false);
    expect(errorOf(403, "Workspace not found for this token").isNotFound).toBe(false);
    expect(errorOf(502, "Upstream not found").isNotFound).toBe(false);
    expect(errorOf(undefined, "connection failed (host not found)").isNotFound).toBe(false);
    expect(errorOf(200, "Problem processing request").isNotFound).toBe(false);
  });
});

describe("rateLimitWait", () => {
  const now = Date.parse("2026-12-01T10:00:00Z");
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it.each([
    ["Retry-After in seconds", { "retry-after": "7" }, { waitMs: 7_000, resetAt: now + 7_000 }],
    ["a negative Retry-After as no wait", { "retry-after": "-3" }, { waitMs: 0, resetAt: now }],
    [
      "Retry-After before X-RateLimit-Reset",
      { "retry-after": "2", "x-ratelimit-reset": String(now / 1000 + 60) },
      { waitMs: 2_000, resetAt: now + 2_000 },
    ],
    [
      "a blank Retry-After, falling back to X-RateLimit-Reset",
      { "retry-after": " ", "x-ratelimit-reset": String(now / 1000 + 60) },
      { waitMs: 60_000, resetAt: now + 60_000 },
    ],
    [
      "a Retry-After date (not seconds), falling back to X-RateLimit-Reset",
      {
        "retry-after": "Tue, 01 Dec 2026 10:01:00 GMT",
        "x-ratelimit-reset": String(now / 1000 + 30),
      },
      { waitMs: 30_000, resetAt: now + 30_000 },
    ],
    [
      "X-RateLimit-Reset in Unix seconds",
      { "x-ratelimit-reset": String(now / 1000 + 3_600) },
      { waitMs: 3_600_000, resetAt: now + 3_600_000 },
    ],
    [
      "X-RateLimit-Reset as a date",
      { "x-ratelimit-reset": "2026-12-01T10:05:00Z" },
      { waitMs: 300_000, resetAt: now + 300_000 },
    ],
    [
      "an X-RateLimit-Reset already past as no wait",
      { "x-ratelimit-reset": String(now / 1000 - 10) },
      { waitMs: 0, resetAt: now - 10_000 },
    ],
  ])("reads %s", (_case, entries, expected) => {
    expect(rateLimitWait(headers(entries), now)).toEqual(expected);
  });

  it.each([
    ["no header", {}],
    ["a blank X-RateLimit-Reset", { "x-ratelimit-reset": "  " }],
    ["an X-RateLimit-Reset that is neither seconds nor a date", { "x-ratelimit-reset": "soon" }],
  ])("says nothing for %s", (_case, entries) => {
    expect(rateLimitWait(headers(entries), now)).toBeUndefined();
  });
});

describe("RailwayApiError", () => {
  const errorOf = (status: number | undefined, ...messages: string[]) =>
    new RailwayApiError(
      "Service",
      status,
      messages.map((message) => ({ message })),
      messages.join("; "),
    );

  it("reads any one of several errors: not found, unauthorized, conflict, throttled", () => {
    expect(errorOf(200, "Problem processing request", "Service not found").isNotFound).toBe(true);
    expect(errorOf(200, "Problem processing request", "Not Authorized").isUnauthorized).toBe(true);
    expect(
      errorOf(200, "Problem processing request", "Service backend already exists").isConflict,
    ).toBe(true);
    expect(errorOf(200, "Problem processing request", "Ratelimited, slow down").isTransient).toBe(
      true,
    );
  });

  it.each([
    [undefined, true],
    [500, true],
    [503, true],
    [499, false],
    [200, false],
  ])("with HTTP %s may or may not have run: %s", (status, ambiguous) => {
    expect(errorOf(status, "x").isAmbiguous).toBe(ambiguous);
  });

  it.each([
    [401, "x", true],
    [403, "x", true],
    [200, "You are unauthorized", true],
    [400, "bad input", false],
    [200, "Service backend already exists", false],
  ])("with HTTP %s and %j is a refused token: %s", (status, message, unauthorized) => {
    expect(errorOf(status, message).isUnauthorized).toBe(unauthorized);
  });

  it("reads an unrelated error as none of them", () => {
    const error = errorOf(200, "Problem processing request");
    expect([error.isConflict, error.isTransient, error.isNotFound, error.isUnauthorized]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("names the operation and the HTTP status, when there is one", () => {
    expect(errorOf(502, "server error").message).toBe(
      "Railway Service failed (HTTP 502): server error",
    );
    expect(errorOf(undefined, "connection failed").message).toBe(
      "Railway Service failed: connection failed",
    );
    expect(errorOf(undefined, "x").name).toBe("RailwayApiError");
  });
});

describe("RailwayClient against a scripted server", () => {
  interface Scripted {
    status: number;
    body?: string;
    headers?: Record<string, string>;
  }
  let server: ReturnType<typeof createServer> | undefined;
  let hits: number;
  let waits: number[];

  /** A client of a server answering each request with the next scripted answer (the last repeats). */
  async function scripted(
    answers: Scripted[],
    options: Partial<ConstructorParameters<typeof RailwayClient>[0]> = {},
  ): Promise<RailwayClient> {
    hits = 0;
    waits = [];
    server = createServer((_request, response) => {
      const answer = answers[Math.min(hits++, answers.length - 1)] as Scripted;
      response
        .writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
        .end(answer.body ?? "");
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return new RailwayClient({
      token: "t",
      tokenSource: "stack config railway:token",
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql/v2`,
      maxRetries: 3,
      baseDelayMs: 10,
      throttleDelayMs: 25,
      sleep: async (ms) => void waits.push(ms),
      ...options,
    });
  }
  afterEach(() => server?.close());

  const listIn = (railway: RailwayClient) =>
    railway.request(PROJECTS_IN_WORKSPACE, { workspaceId: "ws" });
  const ok = { status: 200, body: JSON.stringify({ data: { projects: { edges: [] } } }) };

  it("names a server error as such once the retries run out", async () => {
    const error = await failureOf(listIn(await scripted([{ status: 500 }])));
    expect(error.message).toBe("Railway ProjectsInWorkspace failed (HTTP 500): server error");
    expect(hits).toBe(4);
  });

  it("stops backing off when the next wait would pass the retry budget, keeping the server's error", async () => {
    const error = await failureOf(listIn(await scripted([{ status: 502 }], { retryBudgetMs: 30 })));
    expect(waits).toEqual([10, 20]);
    expect(error.message).toBe("Railway ProjectsInWorkspace failed (HTTP 502): server error");
  });

  it("says Railway did not name a reset when a 429 without headers outlasts the budget", async () => {
    const error = await failureOf(listIn(await scripted([{ status: 429 }], { retryBudgetMs: 30 })));
    expect(waits).toEqual([10, 20]);
    expect(error.message).toContain("Railway did not say when it resets");
    expect(error.status).toBe(429);
    expect(error.errors).toEqual([]);
  });

  it("names a rate limit as such once the retries run out within the budget", async () => {
    const error = await failureOf(
      listIn(await scripted([{ status: 429, headers: { "retry-after": "0" } }])),
    );
    expect(error.message).toBe("Railway ProjectsInWorkspace failed (HTTP 429): rate limited");
    expect(error.errors).toEqual([]);
    expect(waits).toEqual([0, 0, 0]);
  });

  it("waits a Retry-After that spends exactly the whole budget", async () => {
    await listIn(
      await scripted([{ status: 429, headers: { "retry-after": "7" } }, ok], {
        retryBudgetMs: 7_000,
      }),
    );
    expect(waits).toEqual([7_000]);
  });

  it("does not retry a refused token (HTTP 401)", async () => {
    const error = await failureOf(listIn(await scripted([{ status: 401, body: "{}" }])));
    expect(error.message).toContain("Railway rejected the token from stack config railway:token");
    expect(error.errors).toEqual([]);
    expect(hits).toBe(1);
  });

  it("reads a GraphQL 'Not Authorized' as a refused token", async () => {
    const error = await failureOf(
      listIn(
        await scripted([
          { status: 200, body: JSON.stringify({ errors: [{ message: "Not Authorized" }] }) },
        ]),
      ),
    );
    expect(error.message).toContain("Railway rejected the token from stack config railway:token");
    expect(error.errors).toEqual([{ message: "Not Authorized" }]);
    expect(hits).toBe(1);
  });

  it("fails at once on an answer that is not JSON, and on an HTTP error without GraphQL errors", async () => {
    const notJson = await failureOf(
      listIn(await scripted([{ status: 200, body: "<html>maintenance</html>" }])),
    );
    expect(notJson.message).toBe(
      "Railway ProjectsInWorkspace failed (HTTP 200): the answer was not JSON (OK)",
    );
    expect(notJson.errors).toEqual([]);
    expect(hits).toBe(1);
    server?.close();
    const badRequest = await failureOf(listIn(await scripted([{ status: 400, body: "{}" }])));
    expect(badRequest.message).toBe("Railway ProjectsInWorkspace failed (HTTP 400): Bad Request");
    expect(badRequest.errors).toEqual([]);
    expect(hits).toBe(1);
  });

  it("says a dropped connection failed, and why, with no GraphQL errors", async () => {
    await scripted([ok]);
    const port = (server?.address() as AddressInfo).port;
    await new Promise((resolve) => server?.close(resolve));
    const refused = new RailwayClient({
      token: "t",
      tokenSource: "s",
      endpoint: `http://127.0.0.1:${port}/graphql/v2`,
      maxRetries: 1,
      sleep: async () => undefined,
    });
    const error = await failureOf(refused.request(PROJECTS_IN_WORKSPACE, { workspaceId: "ws" }));
    expect(error.message).toBe(
      `Railway ProjectsInWorkspace failed: connection failed (Error: connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    expect(error.errors).toEqual([]);
    expect(error.isAmbiguous).toBe(true);
  });
});
