import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import { awaitPatchApplied } from "./deployments";
import { readEnvironment, stageAndCommit } from "./environment-config";
import { ENVIRONMENT_VOLUMES, VOLUME_CREATE, VOLUME_INSTANCE_UPDATE } from "./operations";
import {
  DEFAULT_DEPLOY_TIMEOUT_SECONDS,
  failure,
  findOrCreate,
  missingIds,
  RailwayProvider,
  unlessNotFound,
  type DiffKeys,
} from "./provider";
import { RailwayResource } from "./resource";
import { refuseWhileConfiguredElsewhere } from "./service";

export interface VolumeInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  mountPath: string;
  /** The stack declares the service itself: destroy refuses while another environment configures it. */
  ownsService?: boolean;
  providerVersion: string;
}

export interface VolumeOutputs extends VolumeInputs {
  volumeId: string;
  name: string;
  /** The service already had a volume here: destroy then never deletes it. */
  adopted: boolean;
}

/** The environment's volume instances that are not being deleted. */
export async function liveVolumeInstances(client: RailwayClient, environmentId: string) {
  const { environment } = await client.request(ENVIRONMENT_VOLUMES, { id: environmentId });
  return environment.volumeInstances.edges
    .map((edge) => edge.node)
    .filter((vi) => !vi.deletedAt && !vi.isPendingDeletion);
}

/**
 * A volume attached to one service in one environment. Created with its
 * environment named explicitly (omitted, Railway makes a volume with no
 * instance: TF#61); adopted when the service already has one, since Railway
 * allows one. Deleted per environment (`volumes.<id>.isDeleted` in this
 * environment's config), never with `volumeDelete`, which removes the volume
 * from every environment that has an instance of it.
 */
export class VolumeProvider extends RailwayProvider<VolumeInputs, VolumeOutputs> {
  protected readonly diffKeys = {
    replace: ["projectId", "environmentId"],
    update: ["serviceId", "mountPath"],
  } satisfies DiffKeys<VolumeInputs>;

  protected checkFailures(news: VolumeInputs): pulumi.dynamic.CheckFailure[] {
    const failures = missingIds(news, ["projectId", "environmentId", "serviceId"]);
    if (!news.mountPath?.startsWith("/"))
      failures.push(failure("mountPath", 'an absolute path, e.g. "/data"'));
    return failures;
  }

  async create(inputs: VolumeInputs): Promise<pulumi.dynamic.CreateResult<VolumeOutputs>> {
    // In an environment created empty the service has no instance to attach to until its ServiceConfig, which needs the volume id.
    await this.ensureInstance(this.client(), inputs.environmentId, inputs.serviceId);
    const { value: volume, adopted } = await findOrCreate(
      async () => {
        const instance = (await liveVolumeInstances(this.client(), inputs.environmentId)).find(
          (vi) => vi.serviceId === inputs.serviceId,
        );
        return (
          instance && {
            volumeId: instance.volumeId,
            name: instance.volume.name,
            mountPath: instance.mountPath,
          }
        );
      },
      async () => {
        const { volumeCreate } = await this.client().request(VOLUME_CREATE, {
          input: {
            projectId: inputs.projectId,
            environmentId: inputs.environmentId,
            serviceId: inputs.serviceId,
            mountPath: inputs.mountPath,
          },
        });
        return { volumeId: volumeCreate.id, name: volumeCreate.name, mountPath: inputs.mountPath };
      },
    );
    if (volume.mountPath !== inputs.mountPath) await this.attach(volume.volumeId, inputs);
    return {
      id: volume.volumeId,
      outs: { ...inputs, volumeId: volume.volumeId, name: volume.name, adopted },
    };
  }

  protected async readLive(id: string, props?: VolumeOutputs): Promise<VolumeOutputs | undefined> {
    if (!props)
      throw new Error(
        `railway:Volume "${id}" cannot be imported without its environment; declare it and let create adopt it.`,
      );
    const instances = await unlessNotFound(liveVolumeInstances(this.client(), props.environmentId));
    const instance = instances?.find((vi) => vi.volumeId === id);
    if (!instance) return undefined;
    return {
      ...props,
      serviceId: instance.serviceId ?? "",
      mountPath: instance.mountPath,
      name: instance.volume.name,
    };
  }

  async update(
    id: string,
    olds: VolumeOutputs,
    news: VolumeInputs,
  ): Promise<pulumi.dynamic.UpdateResult<VolumeOutputs>> {
    if (olds.serviceId !== news.serviceId || olds.mountPath !== news.mountPath)
      await this.attach(id, news);
    return { outs: { ...news, volumeId: id, name: olds.name, adopted: olds.adopted } };
  }

  /** serviceId always goes with mountPath: without it Railway detaches the volume. */
  private async attach(volumeId: string, inputs: VolumeInputs): Promise<void> {
    await this.client().request(VOLUME_INSTANCE_UPDATE, {
      volumeId,
      environmentId: inputs.environmentId,
      input: { serviceId: inputs.serviceId, mountPath: inputs.mountPath },
    });
  }

  /**
   * This environment's instance only, without deploys. Refused, like its service's ServiceConfig, while the stack declares the service and another
   * environment still configures it: the destroy would stop at the Service anyway, and the data
   * here would be gone for nothing.
   */
  protected async deleteOwned(id: string, props: VolumeOutputs): Promise<void> {
    const client = this.client();
    const environment = await unlessNotFound(readEnvironment(client, props.environmentId));
    if (!environment || environment.deletedAt || !environment.volumeIds.includes(id)) return;
    if (props.ownsService) {
      await refuseWhileConfiguredElsewhere(
        client,
        {
          projectId: props.projectId,
          serviceId: props.serviceId,
          serviceName: props.serviceId,
          exceptEnvironmentId: environment.id,
        },
        (others) =>
          `Railway volume ${props.name} stays in "${environment.name}": its service ${props.serviceId} is still configured in environment(s) ` +
          `${others}, and this stack declares that service. Destroy those stacks first, then run \`pulumi destroy\` again.`,
      );
    }
    const patchId = await stageAndCommit(
      client,
      environment,
      { volumes: { [id]: { isDeleted: true } } },
      {
        skipDeploys: true,
        commitMessage: `pulumi: remove volume ${props.name} from ${environment.name}`,
      },
    );
    const wait = this.deployWait(environment, {
      projectId: props.projectId,
      serviceId: props.serviceId,
      serviceName: props.serviceId,
      timeoutSeconds: DEFAULT_DEPLOY_TIMEOUT_SECONDS,
      cron: false,
      warn: () => undefined,
    });
    await awaitPatchApplied(client, patchId, wait);
  }
}

export interface VolumeArgs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly serviceId: pulumi.Input<string>;
  readonly mountPath: pulumi.Input<string>;
  /** The stack declares the service itself (see `VolumeInputs.ownsService`). */
  readonly ownsService?: pulumi.Input<boolean>;
}

export class Volume extends RailwayResource {
  private static readonly provider = new VolumeProvider();

  declare readonly volumeId: pulumi.Output<string>;
  declare readonly mountPath: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: VolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      Volume.provider,
      "Volume",
      name,
      args,
      { outputs: ["volumeId", "name", "adopted"] },
      opts,
    );
  }
}
