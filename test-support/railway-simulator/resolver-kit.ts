import type { GraphQLResolveInfo } from "graphql";
import type { SimulatorState } from "./state.js";
import type { Views } from "./views.js";

/** A root field resolver as graphql-js calls it when the field lives on `rootValue`. */
export type RootResolver = (
  args: Record<string, unknown>,
  context: unknown,
  info: GraphQLResolveInfo,
) => unknown;

export type ResolverMap = Record<string, RootResolver>;

export interface ResolverDependencies {
  state: SimulatorState;
  views: Views;
}

/**
 * Declares the argument shape of a root field. The cast is sound because graphql-js validates and
 * coerces arguments against Railway's schema before any resolver runs.
 */
export function resolver<TArgs>(resolve: (args: TArgs) => unknown): RootResolver {
  return (args) => resolve(args as TArgs);
}
