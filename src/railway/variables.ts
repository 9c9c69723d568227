import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import {
  ENVIRONMENT,
  ENVIRONMENT_COMMIT_STAGED,
  ENVIRONMENT_PATCH_COMMIT,
  ENVIRONMENT_STAGE_CHANGES,
  SERVICE_INSTANCE_DEPLOY,
  VARIABLE_COLLECTION_UPSERT,
  VARIABLES,
} from "./operations";
import { diffByKeys, failure, missingIds, PROVIDER_VERSION, RailwayProvider, unlessNotFound, type ClientTuning } from "./provider";

export interface VariablesInputs {
  projectId: string;
  environmentId: string;
  /** Omitted for the environment's shared variables. */
  serviceId?: string;
  /** The keys this resource manages, and their values; every other key is left alone. */
  variables: Record<string, string>;
  providerVersion: string;
}

export type VariablesOutputs = VariablesInputs;

const scopeId = (inputs: Pick<VariablesInputs, "environmentId" | "serviceId">) =>
  `${inputs.environmentId}:${inputs.serviceId ?? "shared"}`;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The variables this stack manages on one service (or shared) in one
 * environment. Writes are one collection upsert with deploys skipped, removals
 * one staged patch committed without deploys, then exactly one deploy of the
 * service, and only when something changed.
 */
export class VariablesProvider extends RailwayProvider implements pulumi.dynamic.ResourceProvider<VariablesInputs, VariablesOutputs> {
  constructor(tuning?: ClientTuning) {
    super(tuning);
  }

  async check(_olds: VariablesInputs, news: VariablesInputs): Promise<pulumi.dynamic.CheckResult<VariablesInputs>> {
    const failures = missingIds(news, ["projectId", "environmentId"]);
    for (const [name, value] of Object.entries(news.variables ?? {})) {
      if (!VARIABLE_NAME.test(name)) failures.push(failure(`variables.${name}`, "names are letters, digits and _, not starting with a digit"));
      if (typeof value !== "string") failures.push(failure(`variables.${name}`, "values must be strings"));
    }
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: VariablesOutputs, news: VariablesInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffByKeys<VariablesInputs>(olds, news, ["projectId", "environmentId", "serviceId"], ["variables"]);
  }

  async create(inputs: VariablesInputs): Promise<pulumi.dynamic.CreateResult<VariablesOutputs>> {
    await this.apply(this.client(), inputs, [], false);
    return { id: scopeId(inputs), outs: inputs };
  }

  async read(id: string, props?: VariablesOutputs): Promise<pulumi.dynamic.ReadResult<VariablesOutputs>> {
    if (!props) throw new Error(`railway:Variables "${id}" cannot be imported: declare the keys to manage instead.`);
    const live = await unlessNotFound(this.currentValues(this.client(), props));
    if (!live) return { id: "" };
    const variables: Record<string, string> = {};
    for (const name of Object.keys(props.variables)) {
      const value = live[name];
      if (value !== undefined) variables[name] = value;
    }
    const outs = { ...props, variables };
    return { id, props: outs, inputs: outs };
  }

  async update(_id: string, olds: VariablesOutputs, news: VariablesInputs): Promise<pulumi.dynamic.UpdateResult<VariablesOutputs>> {
    const dropped = Object.keys(olds.variables).filter((name) => !(name in news.variables));
    // State still holds the old values if an earlier run wrote them but failed to deploy,
    // so a declared change deploys even when Railway already has the new values.
    const declaredChange = JSON.stringify(olds.variables) !== JSON.stringify(news.variables);
    await this.apply(this.client(), news, dropped, declaredChange);
    return { outs: news };
  }

  async delete(_id: string, props: VariablesOutputs): Promise<void> {
    const client = this.client();
    const live = await unlessNotFound(this.currentValues(client, props));
    if (!live) return;
    const present = Object.keys(props.variables).filter((name) => name in live);
    // The service is usually going too (variables are deleted before it), so no deploy.
    if (present.length > 0) await this.remove(client, props, present);
  }

  private currentValues(client: RailwayClient, scope: VariablesInputs): Promise<Record<string, string>> {
    return client
      .request(VARIABLES, { projectId: scope.projectId, environmentId: scope.environmentId, serviceId: scope.serviceId ?? null })
      .then((answer) => answer.variables);
  }

  /** Brings managed keys to their declared values and removes `dropped`; one deploy if anything changed. */
  private async apply(client: RailwayClient, inputs: VariablesInputs, dropped: string[], mustDeploy: boolean): Promise<void> {
    const live = await this.currentValues(client, inputs);
    const changed = Object.fromEntries(Object.entries(inputs.variables).filter(([name, value]) => live[name] !== value));
    const toRemove = dropped.filter((name) => name in live);
    if (Object.keys(changed).length === 0 && toRemove.length === 0 && !mustDeploy) return;

    if (Object.keys(changed).length > 0) {
      await client.request(VARIABLE_COLLECTION_UPSERT, {
        input: {
          projectId: inputs.projectId,
          environmentId: inputs.environmentId,
          serviceId: inputs.serviceId ?? null,
          variables: changed,
          skipDeploys: true,
        },
      });
    }
    const deployedByRemoval = toRemove.length > 0 && (await this.remove(client, inputs, toRemove));
    if (inputs.serviceId && !deployedByRemoval) {
      await client.request(SERVICE_INSTANCE_DEPLOY, { environmentId: inputs.environmentId, serviceId: inputs.serviceId });
    }
  }

  /**
   * Removes keys without deploying: a staged patch committed with skipDeploys.
   * If someone has staged changes of their own in the dashboard, committing the
   * stage would ship theirs too, so the removals go in one direct patch commit
   * instead, which deploys (once). Returns whether a deploy happened.
   */
  private async remove(client: RailwayClient, scope: VariablesInputs, names: string[]): Promise<boolean> {
    const removals = Object.fromEntries(names.map((name) => [name, null]));
    const patch = scope.serviceId ? { services: { [scope.serviceId]: { variables: removals } } } : { sharedVariables: removals };
    const commitMessage = `pulumi: remove ${names.join(", ")}`;
    const { environment } = await client.request(ENVIRONMENT, { id: scope.environmentId });
    if ((environment.unmergedChangesCount ?? 0) > 0) {
      await client.request(ENVIRONMENT_PATCH_COMMIT, { environmentId: scope.environmentId, patch, commitMessage });
      return true;
    }
    await client.request(ENVIRONMENT_STAGE_CHANGES, { environmentId: scope.environmentId, input: patch });
    await client.request(ENVIRONMENT_COMMIT_STAGED, { environmentId: scope.environmentId, commitMessage });
    return false;
  }
}

export interface VariablesArgs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly serviceId?: pulumi.Input<string>;
  readonly variables: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class Variables extends pulumi.dynamic.Resource {
  declare readonly variables: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: VariablesArgs, opts?: pulumi.CustomResourceOptions, tuning?: ClientTuning) {
    super(
      new VariablesProvider(tuning),
      name,
      { ...args, variables: pulumi.secret(args.variables), providerVersion: PROVIDER_VERSION },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["variables"] }),
      "railway",
      "Variables",
    );
  }
}
