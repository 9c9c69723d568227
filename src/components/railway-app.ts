import * as pulumi from "@pulumi/pulumi";
import type { RailwayRole } from "../config";
import type { DeployedEnvironment } from "../invariants/environment";
import { BackendService } from "./backend-service";
import { Crawl4AiService } from "./crawl4ai-service";
import { FrontendService } from "./frontend-service";
import { RedisService } from "./redis-service";

type AppRole = Exclude<RailwayRole, "backupJob">;

interface RepoServiceSettings {
  readonly name: string;
  readonly repo: string;
  readonly rootDirectory?: string;
  readonly branch: string;
  readonly healthcheckPath?: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** The app's services as the stack file describes them (`railway.*`). */
export interface RailwayAppSettings {
  readonly backend: RepoServiceSettings & { readonly healthcheckPath: string };
  readonly frontend: RepoServiceSettings & { readonly backendUrlVariable: string; readonly subdomain?: string };
  readonly redis: { readonly name: string; readonly image: string; readonly variables: Readonly<Record<string, string>> };
  readonly crawl4ai: { readonly name: string; readonly image: string; readonly memoryGB: number; readonly variables: Readonly<Record<string, string>> };
}

export interface RailwayAppArgs {
  readonly environment: DeployedEnvironment;
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  /** Ids of services another stack declared; omitted, this component declares them (production). */
  readonly serviceIds?: pulumi.Input<Record<AppRole, string>>;
  readonly settings: RailwayAppSettings;
  /** The Neon app URL for the backend's DATABASE_URL (secret). */
  readonly databaseUrl: pulumi.Input<string>;
  /** `railwaySecrets.<role>` from the stack file, already secret. */
  readonly secretVariables: Partial<Record<RailwayRole, Record<string, pulumi.Output<string>>>>;
}

/**
 * The app in one Railway environment: Redis, Crawl4AI, the backend and the frontend. Their configs
 * are applied one after another (Railway keeps one staged patch per environment), in the order
 * their references need: what a service references exists and is configured before it deploys.
 */
export class RailwayApp extends pulumi.ComponentResource {
  public readonly serviceIds: pulumi.Output<Record<AppRole, string>>;
  public readonly backendDomain: pulumi.Output<string>;
  public readonly frontendDomain: pulumi.Output<string>;

  constructor(name: string, args: RailwayAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:RailwayApp", name, {}, opts);
    const { settings } = args;
    const given = args.serviceIds === undefined ? undefined : pulumi.output(args.serviceIds);
    const placement = (role: AppRole, after: pulumi.Resource[]) => ({
      projectId: args.projectId,
      environmentId: args.environmentId,
      serviceId: given?.apply((ids) => ids[role]),
      after,
    });
    const secretsOf = (role: AppRole) => args.secretVariables[role] ?? {};
    const child = { parent: this };

    const redis = new RedisService(
      `${name}-redis`,
      { placement: placement("redis", []), serviceName: settings.redis.name, image: settings.redis.image, extraVariables: settings.redis.variables, extraSecretVariables: secretsOf("redis") },
      child,
    );
    const crawl4ai = new Crawl4AiService(
      `${name}-crawl4ai`,
      {
        placement: placement("crawl4ai", [redis.config]),
        serviceName: settings.crawl4ai.name,
        image: settings.crawl4ai.image,
        memoryGB: settings.crawl4ai.memoryGB,
        extraVariables: settings.crawl4ai.variables,
        extraSecretVariables: secretsOf("crawl4ai"),
      },
      child,
    );
    const backend = new BackendService(
      `${name}-backend`,
      {
        placement: placement("backend", [crawl4ai.config]),
        serviceName: settings.backend.name,
        environment: args.environment,
        repo: settings.backend.repo,
        rootDirectory: settings.backend.rootDirectory,
        branch: settings.backend.branch,
        healthcheckPath: settings.backend.healthcheckPath,
        databaseUrl: args.databaseUrl,
        redisServiceName: settings.redis.name,
        crawl4aiServiceName: settings.crawl4ai.name,
        extraVariables: settings.backend.variables,
        extraSecretVariables: secretsOf("backend"),
      },
      child,
    );
    const frontend = new FrontendService(
      `${name}-frontend`,
      {
        placement: placement("frontend", [backend.config]),
        serviceName: settings.frontend.name,
        repo: settings.frontend.repo,
        rootDirectory: settings.frontend.rootDirectory,
        branch: settings.frontend.branch,
        healthcheckPath: settings.frontend.healthcheckPath,
        subdomain: settings.frontend.subdomain,
        backendServiceName: settings.backend.name,
        backendUrlVariable: settings.frontend.backendUrlVariable,
        extraVariables: settings.frontend.variables,
        extraSecretVariables: secretsOf("frontend"),
      },
      child,
    );

    this.serviceIds = pulumi
      .all([backend.serviceId, frontend.serviceId, redis.serviceId, crawl4ai.serviceId])
      .apply(([backendId, frontendId, redisId, crawl4aiId]) => ({ backend: backendId, frontend: frontendId, redis: redisId, crawl4ai: crawl4aiId }));
    this.backendDomain = backend.publicDomain;
    this.frontendDomain = frontend.publicDomain;
    this.registerOutputs({ serviceIds: this.serviceIds, backendDomain: this.backendDomain, frontendDomain: this.frontendDomain });
  }
}
