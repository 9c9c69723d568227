import { resolver, type ResolverDependencies, type ResolverMap } from "./resolver-kit.js";
import { RailwayApiError } from "./state.js";

interface UsageLimitSetInput {
  customerId: string;
  softLimitDollars: number;
  hardLimitDollars?: number | null;
}

/**
 * `usageLimitSet` / `usageLimitRemove` (schema: "Set/Remove the usage limit for a customer"; one
 * limit per customer, alchemy's Railway UsageLimit). Docs pricing/cost-control.md: the smallest
 * hard limit is $10, and the alert may be set without a hard limit.
 */
export function createUsageLimitMutations({ state }: ResolverDependencies): ResolverMap {
  return {
    usageLimitSet: resolver<{ input: UsageLimitSetInput }>(({ input }) => {
      state.requireCustomer(input.customerId);
      const hardLimit = input.hardLimitDollars ?? null;
      if (hardLimit !== null && hardLimit < 10)
        throw new RailwayApiError("The minimum hard limit is $10");
      state.usageLimits.set(input.customerId, { softLimit: input.softLimitDollars, hardLimit });
      return true;
    }),

    /** Idempotent: removing an absent limit succeeds (alchemy's Railway UsageLimit: "usageLimitRemove is idempotent"). */
    usageLimitRemove: resolver<{ input: { customerId: string } }>(({ input }) => {
      state.requireCustomer(input.customerId);
      state.usageLimits.delete(input.customerId);
      return true;
    }),
  };
}
