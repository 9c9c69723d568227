import {
  createEnvironmentPatchQueries,
  createStagedChangeMutations,
  StagedChanges,
} from "./staged-changes.js";
import { readFileSync } from "node:fs";
import {
  buildClientSchema,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { createProjectMutations } from "./project-mutations.js";
import { createQueryResolvers } from "./query-resolvers.js";
import type { ResolverMap } from "./resolver-kit.js";
import { createResourceMutations } from "./resource-mutations.js";
import { createServiceMutations } from "./service-mutations.js";
import { createUsageLimitMutations } from "./usage-limits.js";
import { createUsageQueries } from "./usage-estimates.js";
import type { SimulatorState } from "./state.js";
import { Views } from "./views.js";

export interface RailwaySimulatorStats {
  /** Every HTTP request received, including faulted ones. */
  requests: number;
  /** Root mutation fields that executed successfully (a document with two counts two). */
  mutations: number;
  /** Deployments started. */
  deploys: number;
  /** serviceId → deployments started. */
  deploysByService: Record<string, number>;
  /** Root field name → times its resolver ran (successfully or not). */
  byField: Record<string, number>;
}

export function createStats(): RailwaySimulatorStats {
  return { requests: 0, mutations: 0, deploys: 0, deploysByService: {}, byField: {} };
}

/** Resets in place because callers hold on to the live `stats` object. */
export function resetStats(stats: RailwaySimulatorStats): void {
  stats.requests = 0;
  stats.mutations = 0;
  stats.deploys = 0;
  for (const key of Object.keys(stats.deploysByService)) delete stats.deploysByService[key];
  for (const key of Object.keys(stats.byField)) delete stats.byField[key];
}

const schemaCache = new Map<string, GraphQLSchema>();

/** Builds Railway's executable schema from its published introspection result (cached per path). */
export function loadRailwaySchema(schemaPath: string): GraphQLSchema {
  const cached = schemaCache.get(schemaPath);
  if (cached) return cached;
  const parsed: unknown = JSON.parse(readFileSync(schemaPath, "utf8"));
  const introspection =
    typeof parsed === "object" && parsed !== null && "data" in parsed
      ? (parsed as { data: unknown }).data
      : parsed;
  if (
    typeof introspection !== "object" ||
    introspection === null ||
    !("__schema" in introspection)
  ) {
    throw new Error(`${schemaPath} does not contain a GraphQL introspection result`);
  }
  const schema = buildClientSchema(introspection as IntrospectionQuery);
  schemaCache.set(schemaPath, schema);
  return schema;
}

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Parses without throwing: a syntax error comes back as a GraphQLError. */
export function parseDocument(query: string): DocumentNode | GraphQLError {
  try {
    return parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
}

/** Runs documents against Railway's schema with the simulator's resolvers, counting as it goes. */
export class GraphQLExecutor {
  private readonly queryRoot: ResolverMap;
  private readonly mutationRoot: ResolverMap;
  /** Pending environment changes, as a human leaves them in the dashboard. */
  readonly staged: StagedChanges;

  constructor(
    private readonly schema: GraphQLSchema,
    state: SimulatorState,
    private readonly stats: RailwaySimulatorStats,
  ) {
    this.staged = new StagedChanges(state);
    const dependencies = { state, views: new Views(state, this.staged) };
    this.queryRoot = this.instrument(
      {
        ...createQueryResolvers(dependencies),
        ...createEnvironmentPatchQueries(dependencies, this.staged),
        ...createUsageQueries(dependencies),
      },
      false,
    );
    this.mutationRoot = this.instrument(
      {
        ...createProjectMutations(dependencies),
        ...createServiceMutations(dependencies),
        ...createResourceMutations(dependencies),
        ...createStagedChangeMutations(dependencies, this.staged),
        ...createUsageLimitMutations(dependencies),
      },
      true,
    );
  }

  async run(
    request: GraphQLRequest,
    document: DocumentNode | GraphQLError,
  ): Promise<ExecutionResult> {
    if (document instanceof GraphQLError) return { errors: [document] };
    const validationErrors = validate(this.schema, document);
    if (validationErrors.length > 0) return { errors: validationErrors };
    const operation = getOperationAST(document, request.operationName);
    return execute({
      schema: this.schema,
      document,
      rootValue: operation?.operation === "mutation" ? this.mutationRoot : this.queryRoot,
      contextValue: {},
      variableValues: request.variables ?? undefined,
      operationName: request.operationName ?? undefined,
    });
  }

  private instrument(resolvers: ResolverMap, isMutation: boolean): ResolverMap {
    const { stats } = this;
    const instrumented: ResolverMap = {};
    for (const [fieldName, resolve] of Object.entries(resolvers)) {
      instrumented[fieldName] = (args, context, info) => {
        stats.byField[fieldName] = (stats.byField[fieldName] ?? 0) + 1;
        const result = resolve(args, context, info);
        if (isMutation) stats.mutations += 1;
        return result;
      };
    }
    return instrumented;
  }
}
