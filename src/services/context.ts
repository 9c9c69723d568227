import type * as pulumi from "@pulumi/pulumi";
import type { AppRole, StackConfig } from "../config";
import type { DeployedEnvironment } from "../invariants/environment";

/** The app's services as the stack file describes them (`railway.<role>`, parsed by src/config.ts). */
export type RailwayAppSettings = { readonly [R in AppRole]: StackConfig["railway"][R] };

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

/** How the app's long-running services restart: after a crash, up to ten times (the backup job never). */
export const RESTART_ON_FAILURE = {
  restartPolicyType: "ON_FAILURE",
  restartPolicyMaxRetries: 10,
} as const;
