import * as pulumi from "@pulumi/pulumi";
import type { DeployedEnvironment } from "../invariants/environment";
import { reference } from "../invariants/railway-references";
import { ServiceConfig } from "../railway/service-config";
import { ServiceDomain } from "../railway/service-domain";
import { configOptions, mergeVariables, serviceIdFor, type RailwayPlacement } from "./railway-placement";

export interface BackendServiceArgs {
  readonly placement: RailwayPlacement;
  readonly serviceName: string;
  /** `staging` or `production`: becomes ENVIRONMENT, which keeps database SSL on in the app. */
  readonly environment: DeployedEnvironment;
  /** GitHub "owner/name" of the app. */
  readonly repo: string;
  readonly rootDirectory?: string;
  /** Branch this environment deploys. */
  readonly branch: string;
  readonly healthcheckPath: string;
  /** The Neon app URL (secret, no query string: asyncpg rejects sslmode). */
  readonly databaseUrl: pulumi.Input<string>;
  /** Service names the backend reaches by reference. */
  readonly redisServiceName: string;
  readonly crawl4aiServiceName: string;
  readonly extraVariables?: Readonly<Record<string, string>>;
  readonly extraSecretVariables?: Readonly<Record<string, pulumi.Input<string>>>;
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
    const { placement } = args;
    this.serviceId = serviceIdFor(this, name, placement, args.serviceName);
    const domain = new ServiceDomain(
      `${name}-domain`,
      { projectId: placement.projectId, environmentId: placement.environmentId, serviceId: this.serviceId, serviceName: args.serviceName },
      { parent: this },
    );
    this.publicDomain = domain.domain;

    const crawl4ai = args.crawl4aiServiceName;
    const { variables, secretVariables } = mergeVariables({
      wired: {
        plain: {
          ENVIRONMENT: args.environment,
          REDIS_URL: reference(args.redisServiceName, "REDIS_URL"),
          CRAWL4AI_URL: `http://${reference(crawl4ai, "RAILWAY_PRIVATE_DOMAIN")}:${reference(crawl4ai, "PORT")}`,
          CRAWL4AI_API_TOKEN: reference(crawl4ai, "CRAWL4AI_API_TOKEN"),
        },
        secret: { DATABASE_URL: args.databaseUrl },
      },
      extraPlain: args.extraVariables ?? {},
      extraSecret: args.extraSecretVariables ?? {},
    });

    this.config = new ServiceConfig(
      `${name}-config`,
      {
        projectId: placement.projectId,
        environmentId: placement.environmentId,
        serviceId: this.serviceId,
        serviceName: args.serviceName,
        role: "backend",
        source: { repo: args.repo, branch: args.branch, rootDirectory: args.rootDirectory },
        deploy: { healthcheckPath: args.healthcheckPath, restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 10 },
        variables,
        secretVariables,
      },
      // The domain exists before the first deploy, so RAILWAY_PUBLIC_DOMAIN is set in it.
      pulumi.mergeOptions(configOptions(this, placement), { dependsOn: [domain] }),
    );
    this.registerOutputs({ serviceId: this.serviceId, publicDomain: this.publicDomain });
  }
}

