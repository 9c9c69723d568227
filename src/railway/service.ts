import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import { hasSource, type LiveServiceEntry } from "./environment-config";
import {
  PROJECT_ENVIRONMENT_CONFIGS,
  PROJECT_SERVICES,
  SERVICE,
  SERVICE_CREATE,
  SERVICE_DELETE,
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

export interface ServiceInputs {
  projectId: string;
  name: string;
  /** The stack-file key that sets the name, named when a live service's name is a near miss. */
  nameConfigKey?: string;
  providerVersion: string;
}

export interface LiveServiceName {
  id: string;
  name: string;
}

/** The one service with exactly this name, or the near misses a human may have meant. */
export interface ServiceLookup {
  exact: LiveServiceName | undefined;
  nearMisses: LiveServiceName[];
}

/** Names that differ only by case, separators, or one or two letters (Railway's Redis template names its service "Redis"). */
export function isNearMiss(wanted: string, live: string): boolean {
  const fold = (name: string) => name.toLowerCase().replace(/[-_\s]/g, "");
  const a = fold(wanted);
  const b = fold(live);
  if (wanted === live) return false;
  if (a === b) return true;
  if (Math.min(a.length, b.length) >= 4 && (a.includes(b) || b.includes(a))) return true;
  const distance: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = distance[i] as number[];
      const previous = distance[i - 1] as number[];
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return Math.max(a.length, b.length) >= 4 && (distance[a.length]?.[b.length] ?? Infinity) <= 2;
}

/** Lookup is exact (Railway names are case-sensitive, and so are `${{name.VAR}}` references: railway-skills references/configure.md). */
export async function lookUpService(
  client: RailwayClient,
  projectId: string,
  name: string,
): Promise<ServiceLookup> {
  const { project } = await client.request(PROJECT_SERVICES, { id: projectId });
  const live = project.services.edges.map((edge) => edge.node).filter((svc) => !svc.deletedAt);
  const exact = live.find((svc) => svc.name === name);
  return { exact, nearMisses: exact ? [] : live.filter((svc) => isNearMiss(name, svc.name)) };
}

/** Stops `up` (and the adoption check) before a near miss creates a second, empty service beside the live one. */
function nearMissError(
  name: string,
  nearMisses: readonly LiveServiceName[],
  configKey: string | undefined,
): Error {
  const found = nearMisses.map((svc) => `"${svc.name}"`).join(", ");
  return new Error(
    `Railway project has no service named "${name}" but has ${found}: adopting would create a second, empty service beside it. ` +
      `If ${found} is the one, set ${configKey ?? "its name"} to ${nearMisses.length === 1 ? found : "that name"} in the stack file; ` +
      `if a new service is really wanted, rename the live one first. Confirm with \`npm run -s railway:check\`.`,
  );
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
export class ServiceProvider extends RailwayProvider<ServiceInputs, ServiceOutputs> {
  protected readonly diffKeys = {
    replace: ["projectId"],
    update: ["name"],
  } satisfies DiffKeys<ServiceInputs>;

  protected checkFailures(news: ServiceInputs, olds: ServiceInputs): pulumi.dynamic.CheckFailure[] {
    const failures = missingIds(news, ["projectId"]);
    if (!news.name?.trim()) failures.push(failure("name", "a service name is required"));
    if (olds.name && news.name?.trim() && olds.name !== news.name) {
      failures.push(
        failure(
          "name",
          `renaming "${olds.name}" to "${news.name}" would rename it in every environment of the project, under the other stacks' ` +
            "references: rename it in the Railway dashboard, then set the new name in the stack file",
        ),
      );
    }
    return failures;
  }

  async create(inputs: ServiceInputs): Promise<pulumi.dynamic.CreateResult<ServiceOutputs>> {
    const client = this.client();
    const { value: service, adopted } = await findOrCreate(
      async () => {
        const { exact, nearMisses } = await lookUpService(client, inputs.projectId, inputs.name);
        if (!exact && nearMisses.length > 0)
          throw nearMissError(inputs.name, nearMisses, inputs.nameConfigKey);
        return exact;
      },
      async () =>
        (
          await client.request(SERVICE_CREATE, {
            input: { projectId: inputs.projectId, name: inputs.name },
          })
        ).serviceCreate,
    );
    return { id: service.id, outs: { ...inputs, serviceId: service.id, adopted } };
  }

  protected async readLive(
    id: string,
    props?: ServiceOutputs,
  ): Promise<ServiceOutputs | undefined> {
    const found = await unlessNotFound(this.client().request(SERVICE, { id }));
    if (!found || found.service.deletedAt) return undefined;
    return {
      projectId: found.service.projectId,
      name: found.service.name,
      nameConfigKey: props?.nameConfigKey,
      providerVersion: props?.providerVersion ?? PROVIDER_VERSION,
      serviceId: id,
      adopted: props?.adopted ?? true,
    };
  }

  /** Only the provider version can change here: `check` refuses a rename. */
  async update(
    id: string,
    olds: ServiceOutputs,
    news: ServiceInputs,
  ): Promise<pulumi.dynamic.UpdateResult<ServiceOutputs>> {
    return { outs: { ...news, serviceId: id, adopted: olds.adopted } };
  }

  /**
   * Only when no environment still configures the service (a source set there, or a volume
   * mounted): `serviceDelete` without an environment removes it from every environment that is
   * not a fork (schema, `serviceDelete.environmentId`), so another stack's environment must have
   * let go of it first. The guard fails closed: if Railway cannot say which environments
   * configure it, nothing is deleted.
   */
  protected async deleteOwned(id: string, props: ServiceOutputs): Promise<void> {
    const client = this.client();
    const found = await unlessNotFound(client.request(SERVICE, { id }));
    if (!found || found.service.deletedAt) return;
    const configuring = await environmentsConfiguring(client, {
      projectId: props.projectId,
      serviceId: id,
      serviceName: props.name,
    });
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
 * Refuses a per-environment delete while other environments still configure a service this
 * stack declares: the Service's own guard would stop the destroy later, after this environment
 * was already half removed. `refusal` gets the other environments' names, quoted.
 */
export async function refuseWhileConfiguredElsewhere(
  client: RailwayClient,
  target: {
    projectId: string;
    serviceId: string;
    serviceName: string;
    exceptEnvironmentId: string;
  },
  refusal: (environments: string) => string,
): Promise<void> {
  const others = await environmentsConfiguring(client, target);
  if (others.length > 0) throw new Error(refusal(others.map((name) => `"${name}"`).join(", ")));
}

/**
 * Names of the project's environments (other than `exceptEnvironmentId`) that configure the
 * service: its instance there has a source or a volume mounted. Any error reading them is an
 * error, never "none": the callers are delete guards, which must fail closed.
 */
async function environmentsConfiguring(
  client: RailwayClient,
  target: {
    projectId: string;
    serviceId: string;
    serviceName: string;
    exceptEnvironmentId?: string;
  },
): Promise<string[]> {
  let environments: { id: string; name: string; config: Record<string, unknown> }[];
  try {
    environments = (
      await client.request(PROJECT_ENVIRONMENT_CONFIGS, { projectId: target.projectId })
    ).environments.edges.map((edge) => edge.node);
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
      const services = environment.config.services as
        Record<string, LiveServiceEntry | null | undefined> | undefined;
      const entry = services?.[target.serviceId];
      if (!entry || entry.isDeleted) return false;
      return (
        hasSource(entry) || Object.values(entry.volumeMounts ?? {}).some((mount) => mount !== null)
      );
    })
    .map((environment) => environment.name);
}

export interface ServiceArgs {
  readonly projectId: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
  /** The stack-file key that sets the name (e.g. "client-fulfillment-infra:railway.redis.name"), for messages. */
  readonly nameConfigKey?: pulumi.Input<string>;
}

export class Service extends RailwayResource {
  private static readonly provider = new ServiceProvider();

  declare readonly serviceId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.CustomResourceOptions) {
    super(Service.provider, "Service", name, args, { outputs: ["serviceId", "adopted"] }, opts);
  }
}
