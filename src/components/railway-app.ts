import * as pulumi from "@pulumi/pulumi";
import type { AppRole, RailwayRole } from "../config";
import type { DeployedEnvironment } from "../invariants/environment";
import { BackendService } from "./backend-service";
import { Crawl4AiService } from "./crawl4ai-service";
import { FrontendService } from "./frontend-service";
import { RedisService } from "./redis-service";

interface RepoServiceSettings {
  readonly repo: string;
  readonly rootDirectory?: string;
  readonly branch: string;
  readonly healthcheckPath?: string;
  readonly healthcheckTimeout?: number;
  readonly sleepApplication?: boolean;
  readonly watchPatterns?: string[];
  readonly variables: Readonly<Record<string, string>>;
}

/** The app's services as the stack file describes them (`railway.*`); their names come apart, see `serviceNames`. */
export interface RailwayAppSettings {
  readonly backend: RepoServiceSettings & { readonly healthcheckPath: string; readonly preDeployCommand?: string[] };
  readonly frontend: RepoServiceSettings & { readonly backendUrlVariable: string; readonly subdomain?: string };
  readonly redis: { readonly image: string; readonly sleepApplication?: boolean; readonly passwordRotation?: string; readonly variables: Readonly<Record<string, string>> };
  readonly crawl4ai: {
    readonly image: string;
    readonly memoryGB: number;
    readonly healthcheckTimeout?: number;
    readonly sleepApplication?: boolean;
    readonly tokenRotation?: string;
    readonly variables: Readonly<Record<string, string>>;
  };
}

export interface RailwayAppArgs {
  readonly environment: DeployedEnvironment;
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  /** Ids of services another stack declared; omitted, this component declares them (production). */
  readonly serviceIds?: pulumi.Input<Record<AppRole, string>>;
  /**
   * Railway service names, which `${{name.VAR}}` references use: production's stack file pins them,
   * staging reads them from production's outputs.
   */
  readonly serviceNames: pulumi.Input<Record<AppRole, string>>;
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
  public readonly serviceNames: pulumi.Output<Record<AppRole, string>>;
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
    this.serviceNames = pulumi.output(args.serviceNames);
    const nameOf = (role: AppRole) => this.serviceNames.apply((names) => names[role]);
    const secretsOf = (role: AppRole) => args.secretVariables[role] ?? {};
    const child = { parent: this };

    const redis = new RedisService(
      `${name}-redis`,
      {
        placement: placement("redis", []),
        serviceName: nameOf("redis"),
        image: settings.redis.image,
        sleepApplication: settings.redis.sleepApplication,
        passwordRotation: settings.redis.passwordRotation ?? "",
        extraVariables: settings.redis.variables,
        extraSecretVariables: secretsOf("redis"),
      },
      child,
    );
    const crawl4ai = new Crawl4AiService(
      `${name}-crawl4ai`,
      {
        placement: placement("crawl4ai", [redis.config]),
        serviceName: nameOf("crawl4ai"),
        image: settings.crawl4ai.image,
        memoryGB: settings.crawl4ai.memoryGB,
        healthcheckTimeout: settings.crawl4ai.healthcheckTimeout,
        sleepApplication: settings.crawl4ai.sleepApplication,
        tokenRotation: settings.crawl4ai.tokenRotation ?? "",
        extraVariables: settings.crawl4ai.variables,
        extraSecretVariables: secretsOf("crawl4ai"),
      },
      child,
    );
    const repoSettings = (role: "backend" | "frontend") => {
      const service = settings[role];
      return {
        serviceName: nameOf(role),
        repo: service.repo,
        rootDirectory: service.rootDirectory,
        branch: service.branch,
        healthcheckPath: service.healthcheckPath,
        healthcheckTimeout: service.healthcheckTimeout,
        sleepApplication: service.sleepApplication,
        watchPatterns: service.watchPatterns,
        extraVariables: service.variables,
        extraSecretVariables: secretsOf(role),
      };
    };
    const backend = new BackendService(
      `${name}-backend`,
      {
        ...repoSettings("backend"),
        placement: placement("backend", [crawl4ai.config]),
        environment: args.environment,
        preDeployCommand: settings.backend.preDeployCommand,
        databaseUrl: args.databaseUrl,
        redisServiceName: nameOf("redis"),
        crawl4aiServiceName: nameOf("crawl4ai"),
        // The backend holds Redis's password (through REDIS_URL) and Crawl4AI's token from its last deploy.
        redeployOn: { "redis.REDIS_PASSWORD": settings.redis.passwordRotation ?? "", "crawl4ai.CRAWL4AI_API_TOKEN": settings.crawl4ai.tokenRotation ?? "" },
      },
      child,
    );
    const frontend = new FrontendService(
      `${name}-frontend`,
      {
        ...repoSettings("frontend"),
        placement: placement("frontend", [backend.config]),
        subdomain: settings.frontend.subdomain,
        backendServiceName: nameOf("backend"),
        backendUrlVariable: settings.frontend.backendUrlVariable,
      },
      child,
    );

    this.serviceIds = pulumi
      .all([backend.serviceId, frontend.serviceId, redis.serviceId, crawl4ai.serviceId])
      .apply(([backendId, frontendId, redisId, crawl4aiId]) => ({ backend: backendId, frontend: frontendId, redis: redisId, crawl4ai: crawl4aiId }));
    this.backendDomain = backend.publicDomain;
    this.frontendDomain = frontend.publicDomain;
    this.registerOutputs({ serviceIds: this.serviceIds, serviceNames: this.serviceNames, backendDomain: this.backendDomain, frontendDomain: this.frontendDomain });
  }
}
