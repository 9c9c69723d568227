/**
 * An HTTP proxy in front of the Railway simulator that counts GraphQL operations by kind.
 * The providers run inside the dynamic-provider plugin (a child process), so their calls are
 * counted where they arrive; the simulator's own `stats.mutations` counts root mutation
 * fields, this counts operations (one request = one document = one operation).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Kind, parse, type OperationDefinitionNode } from "graphql";

export interface OperationCounts {
  /** HTTP requests forwarded (retries included). */
  requests: number;
  queries: number;
  /** GraphQL documents whose operation is a `mutation`. */
  mutations: number;
  /** Mutation operation name (or first root field when unnamed) → count. */
  mutationsByName: Record<string, number>;
  /** Every operation in arrival order, e.g. "query project", "mutation serviceCreate". */
  log: string[];
}

export interface CountingProxy {
  readonly url: string;
  readonly counts: OperationCounts;
  reset(): void;
  close(): Promise<void>;
}

function emptyCounts(): OperationCounts {
  return { requests: 0, queries: 0, mutations: 0, mutationsByName: {}, log: [] };
}

function classify(body: string): { kind: "query" | "mutation" | "other"; name: string } {
  try {
    const { query, operationName } = JSON.parse(body) as {
      query?: unknown;
      operationName?: unknown;
    };
    if (typeof query !== "string") return { kind: "other", name: "?" };
    const operations = parse(query).definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation = operations.find((op) => op.name?.value === operationName) ?? operations[0];
    if (!operation) return { kind: "other", name: "?" };
    const firstField = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
    const name =
      operation.name?.value ?? (firstField?.kind === Kind.FIELD ? firstField.name.value : "?");
    return {
      kind:
        operation.operation === "mutation"
          ? "mutation"
          : operation.operation === "query"
            ? "query"
            : "other",
      name,
    };
  } catch {
    return { kind: "other", name: "?" };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const counts = emptyCounts();
  const targetUrl = new URL(target);

  const forward = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    counts.requests += 1;
    const { kind, name } = classify(body);
    if (kind === "query") counts.queries += 1;
    if (kind === "mutation") {
      counts.mutations += 1;
      counts.mutationsByName[name] = (counts.mutationsByName[name] ?? 0) + 1;
    }
    counts.log.push(`${kind} ${name}`);
    const headers: Record<string, string> = {};
    for (const header of ["authorization", "content-type"]) {
      const value = request.headers[header];
      if (typeof value === "string") headers[header] = value;
    }
    const upstream = await fetch(new URL(request.url ?? "/", targetUrl), {
      method: request.method,
      headers,
      body: request.method === "GET" ? undefined : body,
    });
    const out: Record<string, string> = {};
    for (const header of ["content-type", "retry-after"]) {
      const value = upstream.headers.get(header);
      if (value !== null) out[header] = value;
    }
    response.writeHead(upstream.status, out);
    response.end(Buffer.from(await upstream.arrayBuffer()));
  };

  const server = createServer((request, response) => {
    forward(request, response).catch(() => {
      // The simulator dropped the connection (a fault): drop ours too, as the real path would.
      request.socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${targetUrl.pathname}`,
    counts,
    reset: () => Object.assign(counts, emptyCounts()),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
