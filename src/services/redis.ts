import type { ServiceSpec } from "../components/railway-service";
import { selfReference } from "../invariants/railway-references";
import { RESTART_ON_FAILURE, type AppServiceContext } from "./context";

/** Where Railway's Redis template mounts its volume and keeps the data. */
const REDIS_DATA_PATH = "/data";

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
 * image, a volume at /data (it holds circuit-breaker state the app relies on after a restart),
 * a generated password, and the template's variables.
 */
export function redisSpec(app: AppServiceContext): ServiceSpec {
  const { redis } = app.settings;
  return {
    role: "redis",
    componentType: "client-fulfillment:railway:RedisService",
    traits: [],
    source: { image: redis.image },
    deploy: {
      startCommand: REDIS_START_COMMAND,
      sleepApplication: redis.sleepApplication,
      ...RESTART_ON_FAILURE,
    },
    volume: { mountPath: REDIS_DATA_PATH },
    generatedSecrets: {
      REDIS_PASSWORD: { resource: "password", length: 32, rotation: redis.passwordRotation ?? "" },
    },
    privateNetworkOnly: true,
    wired: {
      plain: {
        REDISUSER: "default",
        REDISPORT: "6379",
        REDISHOST: selfReference("RAILWAY_PRIVATE_DOMAIN"),
        REDISPASSWORD: selfReference("REDIS_PASSWORD"),
        REDIS_URL: `redis://${selfReference("REDISUSER")}:${selfReference("REDIS_PASSWORD")}@${selfReference("REDISHOST")}:${selfReference("REDISPORT")}`,
      },
      secret: {},
    },
    extraVariables: redis.variables,
  };
}
