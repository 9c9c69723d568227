import type { StagedChanges } from "./staged-changes.js";
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { GraphQLError, type DocumentNode } from "graphql";
import {
  createStats,
  GraphQLExecutor,
  loadRailwaySchema,
  parseDocument,
  resetStats,
  type GraphQLRequest,
  type RailwaySimulatorStats,
} from "./executor.js";
import { findRailwaySchema, railwaySchemaCandidates } from "../../src/railway/schema-location";
import { deployedConfig } from "./environment-config.js";
import { FaultQueue, rootFieldNames, type Fault, type FaultRule } from "./faults.js";
import { SimulatorState } from "./state.js";

export type { Fault, FaultRule } from "./faults.js";
export type { RailwaySimulatorStats } from "./executor.js";
export { RailwayApiError, SimulatorState } from "./state.js";
export type * from "./records.js";

export interface RailwaySimulatorOptions {
  /** Bearer token the simulator accepts; defaults to "sim-token". */
  token?: string;
  /** Railway introspection JSON; defaults to `findRailwaySchema` (../shared/railway/schema.json, else .railway-schema.json). */
  schemaPath?: string;
  /** Workspace that owns created projects; defaults to "ws-sim". */
  workspaceId?: string;
  /** Reads that miss a new service's instances (default 1); see `SimulatorState.instanceVisibilityLag`. */
  instanceVisibilityLag?: number;
  /** Status reads a deployment takes to end (default 2); see `SimulatorState.deployPolls`. */
  deployPolls?: number;
  /** Reads before a new deployment shows as latest (default 1); see `SimulatorState.deployVisibilityLag`. */
  deployVisibilityLag?: number;
  /** `environment.config` leaves out settings equal to Railway's defaults (default true); see `SimulatorState.defaultsReadBackAsNull`. */
  defaultsReadBackAsNull?: boolean;
}

export interface RailwaySimulator {
  /** e.g. http://127.0.0.1:PORT/graphql/v2 */
  readonly url: string;
  readonly token: string;
  readonly workspaceId: string;
  /** Live object, updated as requests arrive. */
  readonly stats: RailwaySimulatorStats;
  resetStats(): void;
  /** Rules are consumed in FIFO order among those that match a request. */
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** The in-memory store; tests edit it directly to simulate out-of-band changes. */
  readonly state: SimulatorState;
  /** Staged (uncommitted) environment changes; tests stage a human's pending edit here. */
  readonly staged: StagedChanges;
  close(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, "../..");

/** The schema the simulator executes against, or an error saying how to get one. */
export function defaultSchemaPath(): string {
  const found = findRailwaySchema(REPO_ROOT);
  if (!found) {
    throw new Error(
      `Railway's schema is missing (looked for ${railwaySchemaCandidates(REPO_ROOT).join(", ")}). ` +
        "Fetch it with `RAILWAY_API_TOKEN=<token> npm run railway:schema`.",
    );
  }
  return found;
}
const GRAPHQL_PATH = "/graphql/v2";
const NOT_AUTHORIZED = { data: null, errors: [{ message: "Not Authorized" }] };

type ParsedBody =
  | { ok: true; request: GraphQLRequest; document: DocumentNode | GraphQLError }
  | { ok: false; message: string };

function parseRequestBody(text: string): ParsedBody {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, message: "Invalid JSON in request body" };
  }
  if (typeof body !== "object" || body === null)
    return { ok: false, message: "Request body must be a JSON object" };
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== "string") return { ok: false, message: "Must provide query string." };
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== "object" || Array.isArray(variables))
  ) {
    return { ok: false, message: "Variables must be an object" };
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    return { ok: false, message: "operationName must be a string" };
  }
  return {
    ok: true,
    request: {
      query,
      variables: (variables ?? null) as Record<string, unknown> | null,
      operationName: operationName ?? null,
    },
    document: parseDocument(query),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  // A socket closed by close() or a client abort must not turn into a write error.
  if (response.destroyed || response.socket?.destroyed) return;
  const payload = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(payload);
}

function sendStatusFault(
  response: ServerResponse,
  fault: Extract<Fault, { kind: "status" }>,
): void {
  const headers: Record<string, string> = {};
  if (fault.status === 429 && fault.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(fault.retryAfterSeconds);
  }
  sendJson(
    response,
    fault.status,
    { errors: [{ message: STATUS_CODES[fault.status] ?? "Error" }] },
    headers,
  );
}

export async function startRailwaySimulator(
  options: RailwaySimulatorOptions = {},
): Promise<RailwaySimulator> {
  const token = options.token ?? "sim-token";
  const workspaceId = options.workspaceId ?? "ws-sim";
  const schema = loadRailwaySchema(options.schemaPath ?? defaultSchemaPath());
  const stats = createStats();
  const state = new SimulatorState(workspaceId, (deployment) => {
    stats.deploys += 1;
    stats.deploysByService[deployment.serviceId] =
      (stats.deploysByService[deployment.serviceId] ?? 0) + 1;
  });
  state.deployedConfigOf = (environmentId, serviceId) =>
    deployedConfig(state, environmentId, serviceId);
  if (options.instanceVisibilityLag !== undefined)
    state.instanceVisibilityLag = options.instanceVisibilityLag;
  if (options.deployPolls !== undefined) state.deployPolls = options.deployPolls;
  if (options.deployVisibilityLag !== undefined)
    state.deployVisibilityLag = options.deployVisibilityLag;
  if (options.defaultsReadBackAsNull !== undefined)
    state.defaultsReadBackAsNull = options.defaultsReadBackAsNull;
  const executor = new GraphQLExecutor(schema, state, stats);
  const faults = new FaultQueue();
  const closing = new AbortController();

  const handleGraphQL = async (
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> => {
    const parsed = parseRequestBody(await readBody(request));
    const fields =
      parsed.ok && !(parsed.document instanceof GraphQLError)
        ? rootFieldNames(parsed.document)
        : new Set<string>();
    const fault = faults.take(fields);

    if (fault?.kind === "status") return sendStatusFault(response, fault);
    if (fault?.kind === "graphqlError") {
      const extensions = fault.code === undefined ? {} : { extensions: { code: fault.code } };
      return sendJson(response, 200, {
        data: null,
        errors: [{ message: fault.message, ...extensions }],
      });
    }
    if (fault?.kind === "drop") {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === "delay") {
      try {
        await sleep(fault.ms, undefined, { signal: closing.signal });
      } catch {
        return; // the simulator is closing; its connections are being torn down anyway
      }
    }

    let status = 200;
    let body: unknown;
    if (!parsed.ok) {
      status = 400;
      body = { errors: [{ message: parsed.message }] };
    } else if (request.headers.authorization !== `Bearer ${token}`) {
      body = NOT_AUTHORIZED;
    } else {
      body = await executor.run(parsed.request, parsed.document);
    }

    if (fault?.kind === "dropAfterExecute") {
      request.socket.destroy();
      return;
    }
    sendJson(response, status, body);
  };

  const server = createServer((request, response) => {
    stats.requests += 1;
    const pathname = new URL(request.url ?? "/", "http://localhost").pathname;
    if (request.method !== "POST" || pathname !== GRAPHQL_PATH) {
      request.resume();
      sendJson(response, 404, {
        errors: [{ message: `Cannot ${request.method ?? "GET"} ${pathname}` }],
      });
      return;
    }
    handleGraphQL(request, response).catch((error: unknown) => {
      sendJson(response, 500, {
        errors: [{ message: error instanceof Error ? error.message : String(error) }],
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${GRAPHQL_PATH}`,
    token,
    workspaceId,
    stats,
    state,
    staged: executor.staged,
    resetStats: () => resetStats(stats),
    injectFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
