import * as pulumi from "@pulumi/pulumi";
import type { DeployedEnvironment } from "../invariants/environment";
import { reference } from "../invariants/railway-references";
import type { ServiceConfig } from "../railway/service-config";
import { declarePublicDomain, declareServiceConfig, serviceIdFor, type RailwayServiceArgs } from "./railway-placement";

/** A service Railway builds from a GitHub repository branch (the backend and the frontend). */
export interface RepoServiceArgs extends RailwayServiceArgs {
  /** GitHub "owner/name" of the app. */
  readonly repo: string;
  readonly rootDirectory?: string;
  /** Branch this environment deploys. */
  readonly branch: string;
  readonly healthcheckPath?: string;
}

export interface BackendServiceArgs extends RepoServiceArgs {
  /** `staging` or `production`: becomes ENVIRONMENT, which keeps database SSL on in the app. */
  readonly environment: DeployedEnvironment;
  /** The Neon app URL (secret, no query string: asyncpg rejects sslmode). */
  readonly databaseUrl: pulumi.Input<string>;
  /** Service names the backend reaches by reference. */
  readonly redisServiceName: string;
  readonly crawl4aiServiceName: string;
}

/**
 * The FastAPI backend: built from its repository branch, public through a Railway-provided
 * domain. PORT is left to Railway, which sets it and health-checks on it.
 */
export class BackendService extends pulumi.ComponentResource {
  public readonly serviceId: pulumi.Output<string>;
  /** `<name>.up.railway.app`. */
  public readonly publicDomain: pulumi.Output<string>;
  public readonly config: ServiceConfig;

  constructor(name: string, args: BackendServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:BackendService", name, {}, opts);
    this.serviceId = serviceIdFor(this, name, args.placement, args.serviceName);
    const domain = declarePublicDomain(this, name, args, this.serviceId);
    this.publicDomain = domain.domain;

    const crawl4ai = args.crawl4aiServiceName;
    this.config = declareServiceConfig(
      this,
      name,
      args,
      this.serviceId,
      {
        role: "backend",
        source: { repo: args.repo, branch: args.branch, rootDirectory: args.rootDirectory },
        deploy: { healthcheckPath: args.healthcheckPath, restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 10 },
        wired: {
          plain: {
            ENVIRONMENT: args.environment,
            REDIS_URL: reference(args.redisServiceName, "REDIS_URL"),
            CRAWL4AI_URL: `http://${reference(crawl4ai, "RAILWAY_PRIVATE_DOMAIN")}:${reference(crawl4ai, "PORT")}`,
            CRAWL4AI_API_TOKEN: reference(crawl4ai, "CRAWL4AI_API_TOKEN"),
          },
          secret: { DATABASE_URL: args.databaseUrl },
        },
      },
      // The domain exists before the first deploy, so RAILWAY_PUBLIC_DOMAIN is set in it.
      [domain],
    );
    this.registerOutputs({ serviceId: this.serviceId, publicDomain: this.publicDomain });
  }
}
