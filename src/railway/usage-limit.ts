import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import { PROJECT_USAGE_LIMIT, USAGE_LIMIT_REMOVE, USAGE_LIMIT_SET } from "./operations";
import { failure, missingIds, RailwayProvider, unlessNotFound, type DiffKeys } from "./provider";
import { RailwayResource } from "./resource";

/** Railway refuses a smaller hard limit (docs pricing/cost-control.md: "The minimum amount … is $10"). */
const MIN_HARD_LIMIT_DOLLARS = 10;

export interface UsageLimitInputs {
  /** A project of the workspace whose limit this is: the limit belongs to the workspace's customer. */
  projectId: string;
  /** The email alert ("Custom email alert", docs pricing/cost-control.md). */
  softLimitDollars: number;
  /** Workloads are taken offline past it. */
  hardLimitDollars: number;
  providerVersion: string;
}

export interface LimitDollars {
  softLimitDollars: number;
  /** Railway allows an alert without a hard limit. */
  hardLimitDollars?: number;
}

export interface UsageLimitOutputs extends UsageLimitInputs {
  customerId: string;
  /** The live limit already equalled the declared one: destroy leaves it alone. */
  adopted: boolean;
  /** The limit that was there before this stack set its own; destroy puts it back. Absent: there was none. */
  previousLimit?: LimitDollars;
}

interface LiveLimit {
  customerId: string;
  limit: LimitDollars | undefined;
}

/** The workspace's live limit, through one of its projects; undefined when the project is gone. */
export async function liveLimit(
  client: RailwayClient,
  projectId: string,
): Promise<LiveLimit | undefined> {
  const found = await unlessNotFound(client.request(PROJECT_USAGE_LIMIT, { id: projectId }));
  if (!found) return undefined;
  const { workspace } = found.project;
  if (!workspace) {
    throw new Error(
      `Railway usage limit: project ${projectId} belongs to no workspace, so there is no customer to set a limit on. ` +
        "Move the project into a workspace in the dashboard, or remove budget.hardLimitUsd from the stack file.",
    );
  }
  const { usageLimit } = workspace.customer;
  return {
    customerId: workspace.customer.id,
    limit: usageLimit ? limitDollars(usageLimit.softLimit, usageLimit.hardLimit) : undefined,
  };
}

/** Without undefined keys: outputs go through a protobuf Struct, which rejects undefined. */
function limitDollars(softLimitDollars: number, hardLimitDollars: number | null): LimitDollars {
  return hardLimitDollars === null ? { softLimitDollars } : { softLimitDollars, hardLimitDollars };
}

export function sameLimit(live: LimitDollars | undefined, declared: LimitDollars): boolean {
  return (
    live !== undefined &&
    live.softLimitDollars === declared.softLimitDollars &&
    live.hardLimitDollars === declared.hardLimitDollars
  );
}

async function setLimit(
  client: RailwayClient,
  customerId: string,
  limit: LimitDollars,
): Promise<void> {
  await client.request(USAGE_LIMIT_SET, {
    input: {
      customerId,
      softLimitDollars: limit.softLimitDollars,
      hardLimitDollars: limit.hardLimitDollars,
    },
  });
}

/**
 * The workspace's usage limit: `usageLimitSet` / `project.workspace.customer.usageLimit` /
 * `usageLimitRemove`. One limit per customer, so a limit already there is never lost: an equal one
 * is adopted without a write, a different one is remembered and put back on destroy.
 */
export class UsageLimitProvider extends RailwayProvider<UsageLimitInputs, UsageLimitOutputs> {
  protected readonly diffKeys = {
    replace: [],
    update: ["projectId", "softLimitDollars", "hardLimitDollars"],
  } satisfies DiffKeys<UsageLimitInputs>;

  protected checkFailures(news: UsageLimitInputs): pulumi.dynamic.CheckFailure[] {
    const failures = missingIds(news, ["projectId"]);
    const { softLimitDollars: soft, hardLimitDollars: hard } = news;
    // usageLimitSet takes whole dollars (schema: `Int`).
    if (!Number.isInteger(soft) || soft <= 0)
      failures.push(
        failure(
          "softLimitDollars",
          `must be a positive whole number of dollars (budget.softLimitUsd), not ${soft}`,
        ),
      );
    if (!Number.isInteger(hard) || hard < MIN_HARD_LIMIT_DOLLARS) {
      failures.push(
        failure(
          "hardLimitDollars",
          `must be a whole number of dollars, at least Railway's minimum of $${MIN_HARD_LIMIT_DOLLARS} (budget.hardLimitUsd), not ${hard}`,
        ),
      );
    }
    if (soft >= hard)
      failures.push(
        failure(
          "softLimitDollars",
          `the alert ($${soft}) must come before the hard limit ($${hard}): lower budget.softLimitUsd or raise budget.hardLimitUsd`,
        ),
      );
    return failures;
  }

  async create(inputs: UsageLimitInputs): Promise<pulumi.dynamic.CreateResult<UsageLimitOutputs>> {
    const { customerId, live, changed } = await this.converge(inputs);
    const previous = changed && live ? { previousLimit: live } : {};
    return { id: customerId, outs: { ...inputs, customerId, adopted: !changed, ...previous } };
  }

  /** Sets the workspace's limit to the declared one unless it already is; `live` is what was there. */
  private async converge(inputs: UsageLimitInputs) {
    const client = this.client();
    const found = await liveLimit(client, inputs.projectId);
    if (!found)
      throw new Error(
        `Railway usage limit: project ${inputs.projectId} is not visible to this token; check railway.projectName and the token's workspace.`,
      );
    const declared = {
      softLimitDollars: inputs.softLimitDollars,
      hardLimitDollars: inputs.hardLimitDollars,
    };
    const changed = !sameLimit(found.limit, declared);
    if (changed) await setLimit(client, found.customerId, declared);
    return { customerId: found.customerId, live: found.limit, changed };
  }

  protected async readLive(
    id: string,
    props?: UsageLimitOutputs,
  ): Promise<UsageLimitOutputs | undefined> {
    if (!props?.projectId) {
      throw new Error(
        `Railway usage limit ${id}: importing needs the project id; declare the resource and let \`up\` adopt the existing limit instead.`,
      );
    }
    const live = await liveLimit(this.client(), props.projectId);
    if (!live?.limit) return undefined;
    return {
      ...props,
      customerId: live.customerId,
      softLimitDollars: live.limit.softLimitDollars,
      // A hard limit cleared in the dashboard reads as 0, so the next `up` sets it again.
      hardLimitDollars: live.limit.hardLimitDollars ?? 0,
    };
  }

  async update(
    _id: string,
    olds: UsageLimitOutputs,
    news: UsageLimitInputs,
  ): Promise<pulumi.dynamic.UpdateResult<UsageLimitOutputs>> {
    const { customerId } = await this.converge(news);
    const previous = olds.previousLimit ? { previousLimit: olds.previousLimit } : {};
    return { outs: { ...news, customerId, adopted: olds.adopted, ...previous } };
  }

  /** Puts back what was there before: the previous limit, or no limit (after adoption, nothing is done). */
  protected async deleteOwned(_id: string, props: UsageLimitOutputs): Promise<void> {
    const client = this.client();
    if (props.previousLimit) {
      await setLimit(client, props.customerId, props.previousLimit);
      return;
    }
    // Removing a limit that is no longer there is done (alchemy's Railway UsageLimit: "usageLimitRemove is idempotent").
    await client.request(USAGE_LIMIT_REMOVE, { input: { customerId: props.customerId } });
  }
}

export interface UsageLimitArgs {
  readonly projectId: pulumi.Input<string>;
  readonly softLimitDollars: pulumi.Input<number>;
  readonly hardLimitDollars: pulumi.Input<number>;
}

export class UsageLimit extends RailwayResource {
  private static readonly provider = new UsageLimitProvider();

  declare readonly customerId: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: UsageLimitArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      UsageLimit.provider,
      "UsageLimit",
      name,
      args,
      { outputs: ["customerId", "adopted", "previousLimit"] },
      opts,
    );
  }
}
