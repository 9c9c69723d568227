import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import {
  ENVIRONMENT,
  ENVIRONMENT_CREATE,
  ENVIRONMENT_DELETE,
  ENVIRONMENT_RENAME,
  ENVIRONMENTS,
} from "./operations";
import {
  failure,
  findOrCreate,
  missingIds,
  PROVIDER_VERSION,
  RailwayProvider,
  unlessNotFound,
  type DiffKeys,
} from "./provider";
import { RailwayResource } from "./resource";

export interface EnvironmentInputs {
  projectId: string;
  name: string;
  providerVersion: string;
}

export interface EnvironmentOutputs extends EnvironmentInputs {
  environmentId: string;
  /** Found by name rather than created: destroy then never deletes it. */
  adopted: boolean;
}

/** The project's live environment of that name, if any. */
export async function environmentNamed(client: RailwayClient, projectId: string, name: string) {
  const { environments } = await client.request(ENVIRONMENTS, { projectId });
  return environments.edges
    .map((edge) => edge.node)
    .find((env) => env.name === name && !env.deletedAt);
}

/**
 * Railway environment: environmentCreate / environment / environmentRename /
 * environmentDelete; adopted by name, and an adopted one is never deleted.
 * Created EMPTY, without sourceEnvironmentId (CLI `src/commands/environment/new.rs`:
 * "No duplication = empty environment"): each ServiceConfig adds its service
 * with its full config, so nothing is copied from another environment or
 * deployed with a half-made config. Railway limits environment creation (about
 * one per 30 s): the client retries that throttle.
 */
export class EnvironmentProvider extends RailwayProvider<EnvironmentInputs, EnvironmentOutputs> {
  protected readonly diffKeys = {
    replace: ["projectId"],
    update: ["name"],
  } satisfies DiffKeys<EnvironmentInputs>;

  protected checkFailures(news: EnvironmentInputs): pulumi.dynamic.CheckFailure[] {
    const failures = missingIds(news, ["projectId"]);
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(news.name ?? ""))
      failures.push(failure("name", "letters, digits and hyphens only, e.g. staging"));
    return failures;
  }

  async create(
    inputs: EnvironmentInputs,
  ): Promise<pulumi.dynamic.CreateResult<EnvironmentOutputs>> {
    const client = this.client();
    const { value: environment, adopted } = await findOrCreate(
      () => environmentNamed(client, inputs.projectId, inputs.name),
      async () =>
        (
          await client.request(ENVIRONMENT_CREATE, {
            input: { projectId: inputs.projectId, name: inputs.name },
          })
        ).environmentCreate,
    );
    return { id: environment.id, outs: { ...inputs, environmentId: environment.id, adopted } };
  }

  protected async readLive(
    id: string,
    props?: EnvironmentOutputs,
  ): Promise<EnvironmentOutputs | undefined> {
    const found = await unlessNotFound(this.client().request(ENVIRONMENT, { id }));
    if (!found || found.environment.deletedAt) return undefined;
    return {
      projectId: found.environment.projectId,
      name: found.environment.name,
      providerVersion: props?.providerVersion ?? PROVIDER_VERSION,
      environmentId: id,
      adopted: props?.adopted ?? true,
    };
  }

  async update(
    id: string,
    olds: EnvironmentOutputs,
    news: EnvironmentInputs,
  ): Promise<pulumi.dynamic.UpdateResult<EnvironmentOutputs>> {
    if (olds.name !== news.name) {
      await this.client().request(ENVIRONMENT_RENAME, { id, input: { name: news.name } });
    }
    return { outs: { ...news, environmentId: id, adopted: olds.adopted } };
  }

  protected async deleteOwned(id: string): Promise<void> {
    await unlessNotFound(this.client().request(ENVIRONMENT_DELETE, { id }));
  }
}

export interface EnvironmentArgs {
  readonly projectId: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
}

export class Environment extends RailwayResource {
  private static readonly provider = new EnvironmentProvider();

  declare readonly environmentId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      Environment.provider,
      "Environment",
      name,
      args,
      { outputs: ["environmentId", "adopted"] },
      opts,
    );
  }
}
