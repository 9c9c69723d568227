import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ServiceConfig } from "../railway/service-config";
import { declareServiceConfig, serviceIdFor, type RailwayServiceArgs } from "./railway-placement";

export interface Crawl4AiServiceArgs extends RailwayServiceArgs {
  /** `unclecode/crawl4ai:<version>`, pinned: v0.9.0 changed its security defaults. */
  readonly image: string;
  /** At least 4 (Crawl4AI's README). */
  readonly memoryGB: number;
  /** Seconds Railway waits for /health; the image starts Chromium first. Defaults to Railway's own (300). */
  readonly healthcheckTimeout?: number;
  /** Lets Railway sleep it when idle; the backend's next request wakes it (staging). Defaults to not managed. */
  readonly sleepApplication?: boolean;
  /** The stack file's `railway.crawl4ai.tokenRotation` ("" when unset): a new label rotates the token. */
  readonly tokenRotation: string;
}

/** gunicorn binds CRAWL4AI_PORT (default 11235) and ignores PORT (unclecode/crawl4ai deploy/docker). */
export const CRAWL4AI_PORT = "11235";
/** `--shm-size=1g` of Crawl4AI's README; Railway's default shared memory is 64 MB. */
export const CRAWL4AI_SHM_BYTES = String(1024 ** 3);

/**
 * The scraper, reachable only on Railway's private network: no public domain. Since v0.9 the
 * server binds 127.0.0.1 unless CRAWL4AI_API_TOKEN is set (entrypoint.sh), so the token is
 * generated here and the backend reads it by reference.
 */
export class Crawl4AiService extends pulumi.ComponentResource {
  public readonly serviceId: pulumi.Output<string>;
  public readonly config: ServiceConfig;

  constructor(name: string, args: Crawl4AiServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:Crawl4AiService", name, {}, opts);
    this.serviceId = serviceIdFor(this, name, args.placement, args.serviceName, "crawl4ai");
    // A new rotation label is a new token; without one, a live token is kept (preservedVariables).
    const token = new random.RandomPassword(`${name}-api-token`, { length: 40, special: false, keepers: { rotation: args.tokenRotation } }, { parent: this });

    this.config = declareServiceConfig(this, name, args, this.serviceId, {
      role: "crawl4ai",
      source: { image: args.image },
      // GET /health answers without the token (auth_gate.py).
      deploy: {
        healthcheckPath: "/health",
        healthcheckTimeout: args.healthcheckTimeout,
        sleepApplication: args.sleepApplication,
        restartPolicyType: "ON_FAILURE",
        restartPolicyMaxRetries: 10,
      },
      limits: { memoryGB: args.memoryGB },
      preservedVariables: { CRAWL4AI_API_TOKEN: args.tokenRotation },
      privateNetworkOnly: true,
      wired: {
        plain: { PORT: CRAWL4AI_PORT, RAILWAY_SHM_SIZE_BYTES: CRAWL4AI_SHM_BYTES },
        secret: { CRAWL4AI_API_TOKEN: token.result },
      },
    });
    this.registerOutputs({ serviceId: this.serviceId });
  }
}
