import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { selfReference } from "../invariants/railway-references";
import type { ServiceConfig } from "../railway/service-config";
import { Volume } from "../railway/volume";
import { declareServiceConfig, serviceIdFor, type RailwayServiceArgs } from "./railway-placement";

export interface RedisServiceArgs extends RailwayServiceArgs {
  /** The official image with a pinned tag, e.g. "redis:8.2". */
  readonly image: string;
  /** Lets Railway sleep it when idle. Defaults to not managed (docs/stacks.md, "The app on Railway", says why staging leaves it awake). */
  readonly sleepApplication?: boolean;
  /** The stack file's `railway.redis.passwordRotation` ("" when unset): a new label rotates the password. */
  readonly passwordRotation: string;
}

/** Where Railway's Redis template mounts its volume and keeps the data. */
export const REDIS_DATA_PATH = "/data";

/**
 * Start command of Railway's Redis template (railwayapp-templates/template-marketplace
 * storage/Redis---redis.md): drop the volume's lost+found, require the password, snapshot
 * every minute with a change, and keep the data on the volume.
 */
export const REDIS_START_COMMAND =
  '/bin/sh -c "rm -rf $RAILWAY_VOLUME_MOUNT_PATH/lost+found/ && exec docker-entrypoint.sh redis-server ' +
  '--requirepass $REDIS_PASSWORD --save 60 1 --dir $RAILWAY_VOLUME_MOUNT_PATH"';

/**
 * Redis as Railway's template runs it, private only (no domain, no TCP proxy): the official
 * image, a volume at /data, a generated password, and the template's variables.
 */
export class RedisService extends pulumi.ComponentResource {
  public readonly serviceId: pulumi.Output<string>;
  public readonly volumeId: pulumi.Output<string>;
  public readonly config: ServiceConfig;

  constructor(name: string, args: RedisServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:RedisService", name, {}, opts);
    const { placement } = args;
    this.serviceId = serviceIdFor(this, name, placement, args.serviceName, "redis");
    // A new rotation label is a new password; without one, a live password is kept (preservedVariables).
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false, keepers: { rotation: args.passwordRotation } }, { parent: this });
    // The cache holds circuit-breaker state the app relies on after a restart.
    const volume = new Volume(
      `${name}-volume`,
      {
        projectId: placement.projectId,
        environmentId: placement.environmentId,
        serviceId: this.serviceId,
        mountPath: REDIS_DATA_PATH,
        ownsService: placement.serviceId === undefined,
      },
      { parent: this, protect: true },
    );
    this.volumeId = volume.volumeId;

    this.config = declareServiceConfig(this, name, args, this.serviceId, {
      role: "redis",
      source: { image: args.image },
      deploy: { startCommand: REDIS_START_COMMAND, sleepApplication: args.sleepApplication, restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 10 },
      volumeMounts: volume.volumeId.apply((volumeId) => ({ [volumeId]: REDIS_DATA_PATH })),
      preservedVariables: { REDIS_PASSWORD: args.passwordRotation },
      privateNetworkOnly: true,
      wired: {
        plain: {
          REDISUSER: "default",
          REDISPORT: "6379",
          REDISHOST: selfReference("RAILWAY_PRIVATE_DOMAIN"),
          REDISPASSWORD: selfReference("REDIS_PASSWORD"),
          REDIS_URL: `redis://${selfReference("REDISUSER")}:${selfReference("REDIS_PASSWORD")}@${selfReference("REDISHOST")}:${selfReference("REDISPORT")}`,
        },
        secret: { REDIS_PASSWORD: password.result },
      },
    });
    this.registerOutputs({ serviceId: this.serviceId, volumeId: this.volumeId });
  }
}
