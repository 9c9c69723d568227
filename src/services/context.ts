import type * as pulumi from "@pulumi/pulumi";
import type { AppRole } from "../config";
import type { DeployedEnvironment } from "../invariants/environment";

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
  readonly backend: RepoServiceSettings & {
    readonly healthcheckPath: string;
    readonly preDeployCommand?: string[];
  };
  readonly frontend: RepoServiceSettings & {
    readonly backendUrlVariable: string;
    readonly subdomain?: string;
  };
  readonly redis: {
    readonly image: string;
    readonly sleepApplication?: boolean;
    readonly passwordRotation?: string;
    readonly variables: Readonly<Record<string, string>>;
  };
  readonly crawl4ai: {
    readonly image: string;
    readonly memoryGB: number;
    readonly healthcheckTimeout?: number;
    readonly sleepApplication?: boolean;
    readonly tokenRotation?: string;
    readonly variables: Readonly<Record<string, string>>;
  };
}

/** What an app service's spec may read: the environment, every role's settings, and the names to reference. */
export interface AppServiceContext {
  /** `staging` or `production`: becomes ENVIRONMENT, which keeps database SSL on in the app. */
  readonly environment: DeployedEnvironment;
  readonly settings: RailwayAppSettings;
  /** The Railway service name of a role, which `${{name.VAR}}` references use. */
  readonly nameOf: (role: AppRole) => pulumi.Output<string>;
  /** The Neon app URL (secret, no query string: asyncpg rejects sslmode). */
  readonly databaseUrl: pulumi.Input<string>;
}
