import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import { DEPLOYMENT_TRIGGER_CREATE, DEPLOYMENT_TRIGGER_DELETE, DEPLOYMENT_TRIGGER_UPDATE, DEPLOYMENT_TRIGGERS } from "./operations";
import { diffByKeys, failure, findOrCreate, missingIds, PROVIDER_VERSION, RailwayProvider, unlessNotFound, type ClientTuning } from "./provider";

export interface DeploymentTriggerInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  /** GitHub repository, "owner/name". */
  repository: string;
  /** Branch whose pushes deploy this service in this environment, e.g. "staging" or "main". */
  branch: string;
  rootDirectory?: string;
  providerVersion: string;
}

export interface DeploymentTriggerOutputs extends DeploymentTriggerInputs {
  triggerId: string;
}

/**
 * GitHub branch → environment (deploymentTriggerCreate / deploymentTriggers /
 * deploymentTriggerUpdate / deploymentTriggerDelete). Railway keeps at most one
 * per service and environment, and makes one itself when a repo is connected,
 * so create adopts it.
 */
export class DeploymentTriggerProvider extends RailwayProvider implements pulumi.dynamic.ResourceProvider<DeploymentTriggerInputs, DeploymentTriggerOutputs> {
  constructor(tuning?: ClientTuning) {
    super(tuning);
  }

  async check(_olds: DeploymentTriggerInputs, news: DeploymentTriggerInputs): Promise<pulumi.dynamic.CheckResult<DeploymentTriggerInputs>> {
    const failures = missingIds(news, ["projectId", "environmentId", "serviceId"]);
    if (!/^[\w.-]+\/[\w.-]+$/.test(news.repository ?? "")) failures.push(failure("repository", 'a GitHub repository, "owner/name"'));
    if (!news.branch?.trim()) failures.push(failure("branch", "a branch name is required"));
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: DeploymentTriggerOutputs, news: DeploymentTriggerInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffByKeys<DeploymentTriggerInputs>(olds, news, ["projectId", "environmentId", "serviceId"], ["repository", "branch", "rootDirectory"]);
  }

  private async triggers(client: RailwayClient, inputs: DeploymentTriggerInputs) {
    const { deploymentTriggers } = await client.request(DEPLOYMENT_TRIGGERS, {
      projectId: inputs.projectId,
      environmentId: inputs.environmentId,
      serviceId: inputs.serviceId,
    });
    return deploymentTriggers.edges.map((edge) => edge.node);
  }

  async create(inputs: DeploymentTriggerInputs): Promise<pulumi.dynamic.CreateResult<DeploymentTriggerOutputs>> {
    const client = this.client();
    let createdNow = false;
    const trigger = await findOrCreate(
      async () => (await this.triggers(client, inputs))[0],
      async () => {
        const { deploymentTriggerCreate } = await client.request(DEPLOYMENT_TRIGGER_CREATE, {
          input: {
            projectId: inputs.projectId,
            environmentId: inputs.environmentId,
            serviceId: inputs.serviceId,
            provider: "github",
            repository: inputs.repository,
            branch: inputs.branch,
            rootDirectory: inputs.rootDirectory,
          },
        });
        createdNow = true;
        return deploymentTriggerCreate;
      },
    );
    const differs = trigger.repository !== inputs.repository || trigger.branch !== inputs.branch;
    // The rootDirectory of an adopted trigger cannot be read back, so it is written once.
    if (!createdNow && (differs || inputs.rootDirectory !== undefined)) await this.write(client, trigger.id, inputs);
    return { id: trigger.id, outs: { ...inputs, triggerId: trigger.id } };
  }

  async read(id: string, props?: DeploymentTriggerOutputs): Promise<pulumi.dynamic.ReadResult<DeploymentTriggerOutputs>> {
    if (!props) throw new Error(`railway:DeploymentTrigger "${id}" cannot be imported; declare it and let create adopt it.`);
    const triggers = await unlessNotFound(this.triggers(this.client(), props));
    const trigger = triggers?.find((candidate) => candidate.id === id);
    if (!trigger) return { id: "" };
    const outs: DeploymentTriggerOutputs = { ...props, repository: trigger.repository, branch: trigger.branch };
    return { id, props: outs, inputs: outs };
  }

  async update(id: string, _olds: DeploymentTriggerOutputs, news: DeploymentTriggerInputs): Promise<pulumi.dynamic.UpdateResult<DeploymentTriggerOutputs>> {
    await this.write(this.client(), id, news);
    return { outs: { ...news, triggerId: id } };
  }

  private async write(client: RailwayClient, id: string, inputs: DeploymentTriggerInputs): Promise<void> {
    await client.request(DEPLOYMENT_TRIGGER_UPDATE, {
      id,
      input: { repository: inputs.repository, branch: inputs.branch, rootDirectory: inputs.rootDirectory },
    });
  }

  async delete(id: string): Promise<void> {
    await unlessNotFound(this.client().request(DEPLOYMENT_TRIGGER_DELETE, { id }));
  }
}

export interface DeploymentTriggerArgs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly serviceId: pulumi.Input<string>;
  readonly repository: pulumi.Input<string>;
  readonly branch: pulumi.Input<string>;
  readonly rootDirectory?: pulumi.Input<string>;
}

export class DeploymentTrigger extends pulumi.dynamic.Resource {
  declare readonly triggerId: pulumi.Output<string>;
  declare readonly branch: pulumi.Output<string>;

  constructor(name: string, args: DeploymentTriggerArgs, opts?: pulumi.CustomResourceOptions, tuning?: ClientTuning) {
    super(
      new DeploymentTriggerProvider(tuning),
      name,
      { ...args, providerVersion: PROVIDER_VERSION, triggerId: undefined },
      opts,
      "railway",
      "DeploymentTrigger",
    );
  }
}
