import * as pulumi from "@pulumi/pulumi";
import type { DeployedEnvironment } from "../invariants/environment";
import type { ServiceConfig } from "../railway/service-config";
import { declarePublicDomain, declareServiceConfig, referenceTo, serviceIdFor, type RailwayServiceArgs } from "./railway-placement";

/** A service Railway builds from a GitHub repository branch (the backend and the frontend). */
export interface RepoServiceArgs extends RailwayServiceArgs {
  /** GitHub "owner/name" of the app. */
  readonly repo: string;
  readonly rootDirectory?: string;
  /** Branch this environment deploys. */
  readonly branch: string;
  readonly healthcheckPath?: string;
  /** Seconds Railway waits for the health check. Defaults to Railway's own (300). */
  readonly healthcheckTimeout?: number;
  /** Lets Railway sleep the service when idle (staging). Defaults to not managed. */
  readonly sleepApplication?: boolean;
  /** Paths from the repository root whose changes build this service, e.g. ["/backend/**"]. Defaults to every change. */
  readonly watchPatterns?: string[];
}

/** Source, build and deploy settings shared by the services built from the app's repository. */
export function repoServiceSettings(args: RepoServiceArgs) {
  return {
    source: { repo: args.repo, branch: args.branch, rootDirectory: args.rootDirectory },
    build: { watchPatterns: args.watchPatterns },
    deploy: {
      healthcheckPath: args.healthcheckPath,
      healthcheckTimeout: args.healthcheckTimeout,
      sleepApplication: args.sleepApplication,
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 10,
    },
  } as const;
}

export interface BackendServiceArgs extends RepoServiceArgs {
  /** `staging` or `production`: becomes ENVIRONMENT, which keeps database SSL on in the app. */
  readonly environment: DeployedEnvironment;
  /** The Neon app URL (secret, no query string: asyncpg rejects sslmode). */
  readonly databaseUrl: pulumi.Input<string>;
  /** Service names the backend reaches by reference. */
  readonly redisServiceName: pulumi.Input<string>;
  readonly crawl4aiServiceName: pulumi.Input<string>;
  /** Commands run before each deploy, e.g. ["alembic upgrade head"]; one failing stops the deploy. Defaults to none. */
  readonly preDeployCommand?: string[];
  /** Rotation labels of the secrets it references: a new one redeploys the backend after the secret's owner. */
  readonly redeployOn: Readonly<Record<string, string>>;
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
    this.serviceId = serviceIdFor(this, name, args.placement, args.serviceName, "backend");
    const domain = declarePublicDomain(this, name, args, this.serviceId);
    this.publicDomain = domain.domain;

    const crawl4ai = args.crawl4aiServiceName;
    const settings = repoServiceSettings(args);
    this.config = declareServiceConfig(
      this,
      name,
      args,
      this.serviceId,
      {
        role: "backend",
        ...settings,
        deploy: { ...settings.deploy, preDeployCommand: args.preDeployCommand },
        redeployOn: { ...args.redeployOn },
        wired: {
          plain: {
            ENVIRONMENT: args.environment,
            REDIS_URL: referenceTo(args.redisServiceName, "REDIS_URL"),
            CRAWL4AI_URL: pulumi.interpolate`http://${referenceTo(crawl4ai, "RAILWAY_PRIVATE_DOMAIN")}:${referenceTo(crawl4ai, "PORT")}`,
            CRAWL4AI_API_TOKEN: referenceTo(crawl4ai, "CRAWL4AI_API_TOKEN"),
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
