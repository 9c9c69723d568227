import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import {
  SERVICE_DOMAIN_CREATE,
  SERVICE_DOMAIN_DELETE,
  SERVICE_DOMAIN_UPDATE,
  SERVICE_DOMAINS,
} from "./operations";
import {
  failure,
  findOrCreate,
  missingIds,
  RailwayProvider,
  unlessNotFound,
  type DiffKeys,
} from "./provider";
import { RailwayResource } from "./resource";

export interface ServiceDomainInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  /** Railway service name, for messages and rules. */
  serviceName: string;
  /** Fixed first label, e.g. "fe-client-fulfillment-v2-staging"; Railway picks one when unset. */
  subdomain?: string;
  /** Port the domain routes to; Railway uses the service's PORT when unset. */
  targetPort?: number;
  providerVersion: string;
}

export interface ServiceDomainOutputs extends ServiceDomainInputs {
  domainId: string;
  /** Full host name, e.g. fe-client-fulfillment-v2-staging.up.railway.app. */
  domain: string;
  /** The domain existed before this resource: destroy then never deletes it. */
  adopted: boolean;
}

export type DomainNode = {
  id: string;
  domain: string;
  suffix: string | null;
  targetPort: number | null;
  deletedAt: string | null;
  syncStatus: string;
};

/** A domain being or already deleted still comes back for a while (alchemy `ServiceDomain.ts` skips these). */
const isLive = (domain: DomainNode) =>
  !domain.deletedAt && domain.syncStatus !== "DELETED" && domain.syncStatus !== "DELETING";

const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The service's live Railway-provided domains in the environment. */
export async function liveServiceDomains(
  client: RailwayClient,
  inputs: Pick<ServiceDomainInputs, "projectId" | "environmentId" | "serviceId">,
): Promise<DomainNode[]> {
  const { domains } = await client.request(SERVICE_DOMAINS, {
    projectId: inputs.projectId,
    environmentId: inputs.environmentId,
    serviceId: inputs.serviceId,
  });
  return domains.serviceDomains.filter(isLive);
}

/**
 * The one domain this resource may take over: the one with the declared
 * subdomain, else the service's only domain (renamed to the declared one; this
 * is also how a create whose answer was lost is found again). Several
 * candidates are an error, so two resources never adopt the same domain.
 */
export function adoptableDomain(
  domains: DomainNode[],
  inputs: ServiceDomainInputs,
): DomainNode | undefined {
  const named = inputs.subdomain
    ? domains.filter((d) => d.domain.startsWith(`${inputs.subdomain}.`))
    : [];
  const candidates = named.length > 0 ? named : domains;
  if (candidates.length > 1) {
    throw new Error(
      `Service "${inputs.serviceName}" has ${candidates.length} Railway domains (${candidates.map((d) => d.domain).join(", ")}); ` +
        "set `subdomain` to say which one this resource manages.",
    );
  }
  return candidates[0];
}

/**
 * A Railway-provided domain (serviceDomainCreate / domains / serviceDomainUpdate /
 * serviceDomainDelete). A domain found rather than created is adopted and never deleted.
 */
export class ServiceDomainProvider extends RailwayProvider<
  ServiceDomainInputs,
  ServiceDomainOutputs
> {
  protected readonly diffKeys = {
    replace: ["projectId", "environmentId", "serviceId"],
    update: ["serviceName", "subdomain", "targetPort"],
  } satisfies DiffKeys<ServiceDomainInputs>;

  protected checkFailures(news: ServiceDomainInputs): pulumi.dynamic.CheckFailure[] {
    const failures = missingIds(news, ["projectId", "environmentId", "serviceId"]);
    if (!news.serviceName?.trim())
      failures.push(failure("serviceName", "the Railway service name is required"));
    if (news.subdomain !== undefined && !SUBDOMAIN.test(news.subdomain))
      failures.push(
        failure("subdomain", "lowercase letters, digits and inner hyphens, at most 63"),
      );
    if (
      news.targetPort !== undefined &&
      !(Number.isInteger(news.targetPort) && news.targetPort > 0 && news.targetPort < 65536)
    ) {
      failures.push(failure("targetPort", "a TCP port, 1-65535"));
    }
    return failures;
  }

  /** Brings an existing domain to the declared subdomain and port, in at most one call. */
  private async reconcile(
    client: RailwayClient,
    domain: DomainNode,
    inputs: ServiceDomainInputs,
    adopted: boolean,
  ): Promise<ServiceDomainOutputs> {
    const wanted = inputs.subdomain
      ? `${inputs.subdomain}.${domain.suffix ?? "up.railway.app"}`
      : domain.domain;
    const portDiffers = inputs.targetPort !== undefined && inputs.targetPort !== domain.targetPort;
    if (wanted !== domain.domain || portDiffers) {
      await client.request(SERVICE_DOMAIN_UPDATE, {
        input: {
          serviceDomainId: domain.id,
          domain: wanted,
          environmentId: inputs.environmentId,
          serviceId: inputs.serviceId,
          targetPort: inputs.targetPort ?? domain.targetPort,
        },
      });
    }
    return { ...inputs, domainId: domain.id, domain: wanted, adopted };
  }

  async create(
    inputs: ServiceDomainInputs,
  ): Promise<pulumi.dynamic.CreateResult<ServiceDomainOutputs>> {
    const client = this.client();
    // In an environment created empty the service has no instance until its ServiceConfig, which may come after its domain.
    await this.ensureInstance(client, inputs.environmentId, inputs.serviceId);
    const { value: domain, adopted } = await findOrCreate(
      async () => adoptableDomain(await liveServiceDomains(client, inputs), inputs),
      // "ServiceInstance not found" right after the service appears: alchemy retries 12×5 s.
      () =>
        this.eventually(
          async () =>
            (
              await client.request(SERVICE_DOMAIN_CREATE, {
                input: {
                  environmentId: inputs.environmentId,
                  serviceId: inputs.serviceId,
                  targetPort: inputs.targetPort,
                },
              })
            ).serviceDomainCreate,
          12,
          5_000,
        ),
    );
    const outs = await this.reconcile(client, domain, inputs, adopted);
    return { id: domain.id, outs };
  }

  protected async readLive(
    id: string,
    props?: ServiceDomainOutputs,
  ): Promise<ServiceDomainOutputs | undefined> {
    if (!props)
      throw new Error(
        `railway:ServiceDomain "${id}" cannot be imported; declare it and let create adopt it.`,
      );
    const domains = await unlessNotFound(liveServiceDomains(this.client(), props));
    const domain = domains?.find((candidate) => candidate.id === id);
    if (!domain) return undefined;
    const suffix = domain.suffix ? `.${domain.suffix}` : "";
    const subdomain =
      props.subdomain !== undefined && suffix && domain.domain.endsWith(suffix)
        ? domain.domain.slice(0, -suffix.length)
        : props.subdomain;
    return {
      ...props,
      subdomain,
      targetPort: props.targetPort === undefined ? undefined : (domain.targetPort ?? undefined),
      domain: domain.domain,
    };
  }

  async update(
    id: string,
    olds: ServiceDomainOutputs,
    news: ServiceDomainInputs,
  ): Promise<pulumi.dynamic.UpdateResult<ServiceDomainOutputs>> {
    const client = this.client();
    const current = (await liveServiceDomains(client, news)).find(
      (candidate) => candidate.id === id,
    );
    if (!current)
      throw new Error(
        `Railway service domain ${olds.domain} (${id}) no longer exists; run \`pulumi refresh\` to recreate it.`,
      );
    return { outs: await this.reconcile(client, current, news, olds.adopted) };
  }

  protected async deleteOwned(id: string): Promise<void> {
    await unlessNotFound(this.client().request(SERVICE_DOMAIN_DELETE, { id }));
  }
}

export interface ServiceDomainArgs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly serviceId: pulumi.Input<string>;
  /** Railway service name, for messages and rules. */
  readonly serviceName: pulumi.Input<string>;
  readonly subdomain?: pulumi.Input<string>;
  readonly targetPort?: pulumi.Input<number>;
}

export class ServiceDomain extends RailwayResource {
  private static readonly provider = new ServiceDomainProvider();

  declare readonly domain: pulumi.Output<string>;
  declare readonly domainId: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: ServiceDomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      ServiceDomain.provider,
      "ServiceDomain",
      name,
      args,
      { outputs: ["domain", "domainId", "adopted"] },
      opts,
    );
  }
}
