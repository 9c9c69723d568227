import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import { hasSource, type LiveServiceEntry } from "./environment-config";
import { PROJECT_ENVIRONMENT_CONFIGS, PROJECT_SERVICES, SERVICE, SERVICE_CREATE, SERVICE_DELETE, SERVICE_UPDATE } from "./operations";
import { diffByKeys, failure, findOrCreate, missingIds, PROVIDER_VERSION, RailwayProvider, unlessNotFound, type ClientTuning } from "./provider";

export interface ServiceInputs {
  projectId: string;
  name: string;
  providerVersion: string;
}

export interface ServiceOutputs extends ServiceInputs {
  serviceId: string;
  /** Found by name rather than created: destroy then never deletes it. */
  adopted: boolean;
}

/**
 * Railway service, project-level identity only. Created EMPTY — no source, no
 * variables, no environment — so nothing deploys until a ServiceConfig commits
 * the whole config of an environment in one patch (railway-skills service
 * SKILL.md: create an empty service, then stage its config; wasp PR #4712).
 * Adopted by name, since Railway keeps names unique per project.
 */
export class ServiceProvider extends RailwayProvider implements pulumi.dynamic.ResourceProvider<ServiceInputs, ServiceOutputs> {
  constructor(tuning?: ClientTuning) {
    super(tuning);
  }

  async check(_olds: ServiceInputs, news: ServiceInputs): Promise<pulumi.dynamic.CheckResult<ServiceInputs>> {
    const failures = missingIds(news, ["projectId"]);
    if (!news.name?.trim()) failures.push(failure("name", "a service name is required"));
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ServiceOutputs, news: ServiceInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffByKeys<ServiceInputs>(olds, news, ["projectId"], ["name"]);
  }

  async create(inputs: ServiceInputs): Promise<pulumi.dynamic.CreateResult<ServiceOutputs>> {
    const client = this.client();
    const { value: service, adopted } = await findOrCreate(
      async () => {
        const { project } = await client.request(PROJECT_SERVICES, { id: inputs.projectId });
        return project.services.edges.map((edge) => edge.node).find((svc) => svc.name === inputs.name && !svc.deletedAt);
      },
      async () => (await client.request(SERVICE_CREATE, { input: { projectId: inputs.projectId, name: inputs.name } })).serviceCreate,
    );
    return { id: service.id, outs: { ...inputs, serviceId: service.id, adopted } };
  }

  async read(id: string, props?: ServiceOutputs): Promise<pulumi.dynamic.ReadResult<ServiceOutputs>> {
    const found = await unlessNotFound(this.client().request(SERVICE, { id }));
    if (!found || found.service.deletedAt) return { id: "" };
    const outs: ServiceOutputs = {
      projectId: found.service.projectId,
      name: found.service.name,
      providerVersion: props?.providerVersion ?? PROVIDER_VERSION,
      serviceId: id,
      adopted: props?.adopted ?? true,
    };
    return { id, props: outs, inputs: outs };
  }

  async update(id: string, olds: ServiceOutputs, news: ServiceInputs): Promise<pulumi.dynamic.UpdateResult<ServiceOutputs>> {
    if (olds.name !== news.name) await this.client().request(SERVICE_UPDATE, { id, input: { name: news.name } });
    return { outs: { ...news, serviceId: id, adopted: olds.adopted } };
  }

  /**
   * Never deletes an adopted service. A created one goes only when no
   * environment still configures it (a source set there, or a volume mounted):
   * `serviceDelete` without an environment removes it from every environment
   * that is not a fork (schema, `serviceDelete.environmentId`), so another
   * stack's environment must have let go of it first. The guard fails closed:
   * if Railway cannot say which environments configure it, nothing is deleted.
   */
  async delete(id: string, props: ServiceOutputs): Promise<void> {
    if (props.adopted) return;
    const client = this.client();
    const found = await unlessNotFound(client.request(SERVICE, { id }));
    if (!found || found.service.deletedAt) return;
    const configuring = await environmentsConfiguring(client, { projectId: props.projectId, serviceId: id, serviceName: props.name });
    if (configuring.length > 0) {
      throw new Error(
        `Railway service "${props.name}" is still configured in environment(s) ${configuring.map((name) => `"${name}"`).join(", ")}; ` +
          "destroy those stacks first.",
      );
    }
    await unlessNotFound(client.request(SERVICE_DELETE, { id }));
  }
}

/**
 * Names of the project's environments (other than `exceptEnvironmentId`) that configure the
 * service: its instance there has a source or a volume mounted. Any error reading them is an
 * error, never "none": the callers are delete guards, which must fail closed.
 */
export async function environmentsConfiguring(
  client: RailwayClient,
  target: { projectId: string; serviceId: string; serviceName: string; exceptEnvironmentId?: string },
): Promise<string[]> {
  let environments: { id: string; name: string; config: Record<string, unknown> }[];
  try {
    environments = (await client.request(PROJECT_ENVIRONMENT_CONFIGS, { projectId: target.projectId })).environments.edges.map((edge) => edge.node);
  } catch (error) {
    throw new Error(
      `Railway service "${target.serviceName}" was left alone: reading which environments of project ${target.projectId} still configure it failed ` +
        `(${error instanceof Error ? error.message : String(error)}). Nothing was deleted; run \`pulumi destroy\` again.`,
      { cause: error },
    );
  }
  return environments
    .filter((environment) => environment.id !== target.exceptEnvironmentId)
    .filter((environment) => {
      const services = environment.config.services as Record<string, LiveServiceEntry | null | undefined> | undefined;
      const entry = services?.[target.serviceId];
      if (!entry || entry.isDeleted) return false;
      return hasSource(entry) || Object.values(entry.volumeMounts ?? {}).some((mount) => mount !== null);
    })
    .map((environment) => environment.name);
}

export interface ServiceArgs {
  readonly projectId: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
}

/**
 * One provider object for every resource of this type: the SDK caches a provider's serialized
 * code by object, so the program serializes it once instead of once per resource.
 */
const SHARED_SERVICEPROVIDER = new ServiceProvider();

export class Service extends pulumi.dynamic.Resource {
  declare readonly serviceId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.CustomResourceOptions, tuning?: ClientTuning) {
    super(
      tuning ? new ServiceProvider(tuning) : SHARED_SERVICEPROVIDER,
      name,
      { ...args, providerVersion: PROVIDER_VERSION, serviceId: undefined, adopted: undefined },
      opts,
      "railway",
      "Service",
    );
  }
}
