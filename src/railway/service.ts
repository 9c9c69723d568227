import * as pulumi from "@pulumi/pulumi";
import { PROJECT_SERVICES, SERVICE, SERVICE_CONNECT, SERVICE_CREATE, SERVICE_DELETE, SERVICE_INSTANCE, SERVICE_UPDATE } from "./operations";
import { diffByKeys, failure, findOrCreate, missingIds, PROVIDER_VERSION, RailwayProvider, unlessNotFound, type ClientTuning } from "./provider";

/** Where a service's code comes from: a Docker image, or a GitHub repository ("owner/name"). */
export interface ServiceSource {
  image?: string;
  repo?: string;
}

export interface ServiceInputs {
  projectId: string;
  name: string;
  source: ServiceSource;
  /** Environment the service is first deployed in, and whose instance reports the source for drift detection. */
  environmentId: string;
  /**
   * Variables the first deployment starts with: Railway deploys a service as soon
   * as it is created with a source, and that deploy should not run without its
   * config. Only read on create; manage the keys with `Variables` afterwards.
   */
  initialVariables?: Record<string, string>;
  providerVersion: string;
}

export interface ServiceOutputs extends ServiceInputs {
  serviceId: string;
}

type ReportedSource = { image?: string | null; repo?: string | null } | null | undefined;

const sameSource = (a: ReportedSource, b: ReportedSource) =>
  (a?.image ?? null) === (b?.image ?? null) && (a?.repo ?? null) === (b?.repo ?? null);

function asSource(reported: ReportedSource): ServiceSource | undefined {
  if (!reported?.image && !reported?.repo) return undefined;
  return reported.image ? { image: reported.image } : { repo: reported.repo ?? undefined };
}

/**
 * Railway service (project-level identity): serviceCreate with its source in one
 * call (create-then-connect leaves a half-made service on failure), adopted by
 * name since Railway keeps names unique per project.
 */
export class ServiceProvider extends RailwayProvider implements pulumi.dynamic.ResourceProvider<ServiceInputs, ServiceOutputs> {
  constructor(tuning?: ClientTuning) {
    super(tuning);
  }

  async check(_olds: ServiceInputs, news: ServiceInputs): Promise<pulumi.dynamic.CheckResult<ServiceInputs>> {
    const failures = missingIds(news, ["projectId"]);
    if (!news.environmentId) failures.push(failure("environmentId", "an environment id is required to read the service's source"));
    if (!news.name?.trim()) failures.push(failure("name", "a service name is required"));
    const sources = [news.source?.image, news.source?.repo].filter(Boolean);
    if (sources.length !== 1) failures.push(failure("source", 'set exactly one of source.image ("redis:8.2") or source.repo ("owner/name")'));
    if (news.source?.repo && !/^[\w.-]+\/[\w.-]+$/.test(news.source.repo)) failures.push(failure("source.repo", 'must be "owner/name"'));
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ServiceOutputs, news: ServiceInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffByKeys<ServiceInputs>(olds, news, ["projectId"], ["name", "source", "environmentId"]);
  }

  async create(inputs: ServiceInputs): Promise<pulumi.dynamic.CreateResult<ServiceOutputs>> {
    const client = this.client();
    let createdNow = false;
    const service = await findOrCreate(
      async () => {
        const { project } = await client.request(PROJECT_SERVICES, { id: inputs.projectId });
        return project.services.edges.map((edge) => edge.node).find((svc) => svc.name === inputs.name && !svc.deletedAt);
      },
      async () => {
        const { serviceCreate } = await client.request(SERVICE_CREATE, {
          input: {
            projectId: inputs.projectId,
            environmentId: inputs.environmentId,
            name: inputs.name,
            source: inputs.source,
            variables: inputs.initialVariables,
          },
        });
        createdNow = true;
        return serviceCreate;
      },
    );
    if (!createdNow) {
      const { serviceInstance } = await this.eventually(() =>
        client.request(SERVICE_INSTANCE, { environmentId: inputs.environmentId, serviceId: service.id }),
      );
      if (!sameSource(serviceInstance.source, inputs.source)) {
        await client.request(SERVICE_CONNECT, { id: service.id, input: inputs.source });
      }
    }
    return { id: service.id, outs: { ...inputs, serviceId: service.id } };
  }

  async read(id: string, props?: ServiceOutputs): Promise<pulumi.dynamic.ReadResult<ServiceOutputs>> {
    const client = this.client();
    const found = await unlessNotFound(client.request(SERVICE, { id }));
    if (!found || found.service.deletedAt) return { id: "" };
    const environmentId = props?.environmentId ?? "";
    const instance = environmentId
      ? await unlessNotFound(client.request(SERVICE_INSTANCE, { environmentId, serviceId: id }))
      : undefined;
    const outs: ServiceOutputs = {
      projectId: found.service.projectId,
      name: found.service.name,
      source: asSource(instance?.serviceInstance.source) ?? props?.source ?? {},
      environmentId,
      providerVersion: props?.providerVersion ?? PROVIDER_VERSION,
      serviceId: id,
    };
    return { id, props: outs, inputs: outs };
  }

  async update(id: string, olds: ServiceOutputs, news: ServiceInputs): Promise<pulumi.dynamic.UpdateResult<ServiceOutputs>> {
    const client = this.client();
    if (olds.name !== news.name) await client.request(SERVICE_UPDATE, { id, input: { name: news.name } });
    if (!sameSource(olds.source, news.source)) await client.request(SERVICE_CONNECT, { id, input: news.source });
    return { outs: { ...news, serviceId: id } };
  }

  async delete(id: string): Promise<void> {
    await unlessNotFound(this.client().request(SERVICE_DELETE, { id }));
  }
}

export interface ServiceArgs {
  readonly projectId: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  readonly source: pulumi.Input<ServiceSource>;
  readonly environmentId: pulumi.Input<string>;
  readonly initialVariables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class Service extends pulumi.dynamic.Resource {
  declare readonly serviceId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.CustomResourceOptions, tuning?: ClientTuning) {
    super(
      new ServiceProvider(tuning),
      name,
      {
        ...args,
        initialVariables: args.initialVariables && pulumi.secret(args.initialVariables),
        providerVersion: PROVIDER_VERSION,
        serviceId: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["initialVariables"] }),
      "railway",
      "Service",
    );
  }
}
