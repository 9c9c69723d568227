import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import { z } from "zod";
import { BackupBucket } from "./components/backup-bucket";
import { NeonDatabase } from "./components/neon-database";
import { RailwayApp } from "./components/railway-app";
import { RailwayService } from "./components/railway-service";
import {
  APP_ROLES,
  type AppRole,
  type ProductionConfig,
  type ProviderSecrets,
  type StackConfig,
  type StagingConfig,
} from "./config";
import { Environment } from "./railway/environment";
import { Project } from "./railway/project";
import { UsageLimit } from "./railway/usage-limit";
import { appServiceSpecs } from "./services";
import { backupJobSpec } from "./services/backup-job";
import type { RailwayAppSettings } from "./services/context";
import type { DeployedEnvironment } from "./invariants/environment";

/**
 * Outputs the staging stack reads from production through a StackReference: the Railway project,
 * and each app service's id and name (staging's `${{name.VAR}}` references use production's names,
 * so they cannot disagree with them). Staging has its own Neon project, so no production database
 * output (or credential) crosses over. Each is parsed when it arrives: production's state may come
 * from an older program (without a role added since, say).
 */
const PRODUCTION_OUTPUTS_FOR_STAGING = z.object({
  railwayProjectId: z.string().min(1),
  railwayServiceIds: z.record(z.enum(APP_ROLES), z.string().min(1)),
  railwayServiceNames: z.record(z.enum(APP_ROLES), z.string().min(1)),
});
export type ProductionOutputsForStaging = Readonly<z.infer<typeof PRODUCTION_OUTPUTS_FOR_STAGING>>;
type ProductionOutputForStaging = keyof ProductionOutputsForStaging;
type ProductionExportsForStaging = {
  readonly [K in ProductionOutputForStaging]: pulumi.Input<ProductionOutputsForStaging[K]>;
};

/**
 * Production's outputs as staging needs them, or a RunError naming every missing or malformed one
 * and the fix: before production's first `up`, or after a role was added that production's state
 * does not export yet.
 */
export function parseProductionOutputs(
  stack: string,
  outputs: Readonly<Record<string, unknown>>,
): ProductionOutputsForStaging {
  const result = PRODUCTION_OUTPUTS_FOR_STAGING.safeParse(outputs);
  if (result.success) return result.data;
  const problems = result.error.issues
    .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
    .join("; ");
  throw new pulumi.RunError(
    `Stack ${stack} does not export what staging needs (${problems}); run \`pulumi up --stack ${stack}\` with this program first, so production exports every role.`,
  );
}

/** Read before staging declares anything, so a bad output stops the program with nothing half-declared. */
async function readProductionOutputs(
  production: pulumi.StackReference,
  stack: string,
): Promise<ProductionOutputsForStaging> {
  const keys = PRODUCTION_OUTPUTS_FOR_STAGING.keyof().options;
  const details = await Promise.all(
    keys.map(async (key) => [key, await production.getOutputDetails(key)] as const),
  );
  return parseProductionOutputs(
    stack,
    Object.fromEntries(details.map(([key, { value, secretValue }]) => [key, value ?? secretValue])),
  );
}

/** The app's service specs for one environment, referencing each other by `serviceNames`. */
function appSpecs(
  environment: DeployedEnvironment,
  settings: RailwayAppSettings,
  serviceNames: pulumi.Input<Record<AppRole, string>>,
  databaseUrl: pulumi.Input<string>,
) {
  const names = pulumi.output(serviceNames);
  return appServiceSpecs({
    environment,
    settings,
    nameOf: (role) => names.apply((byRole) => byRole[role]),
    databaseUrl,
  });
}

function declareProduction(config: ProductionConfig, secrets: ProviderSecrets) {
  const neonProvider = new neon.Provider("neon", { apiKey: secrets.neonApiKey });
  const cloudflareProvider = new cloudflare.Provider("cloudflare", {
    apiToken: secrets.cloudflareApiToken,
  });
  const { neon: project, backups } = config;

  const database = new NeonDatabase("database", {
    project,
    appUrlScheme: config.database.appUrlScheme,
    provider: neonProvider,
  });
  const bucket = new BackupBucket("backups", {
    accountId: backups.accountId,
    bucketName: backups.bucketName,
    retentionDays: backups.retentionDays,
    adopt: backups.adoptBucket,
    tokenName: backups.tokenName,
    readerTokenName: backups.readerTokenName,
    provider: cloudflareProvider,
  });

  const { railway } = config;
  // Both projects exist in the dashboard: adopted by name, never deleted by this program.
  const appProject = new Project("app-project", {
    name: railway.projectName,
    workspaceId: railway.workspaceId,
    defaultEnvironmentName: config.environment,
  });
  const serviceNames = Object.fromEntries(
    APP_ROLES.map((role) => [role, railway[role].name]),
  ) as Record<AppRole, string>;
  const app = new RailwayApp("app", {
    projectId: appProject.projectId,
    environmentId: appProject.defaultEnvironmentId,
    services: appSpecs(config.environment, railway, serviceNames, database.appDatabaseUrl),
    serviceNames,
    secretVariables: config.railwaySecrets,
  });
  // The workspace's one usage limit, reached through the app project (staging shares the workspace).
  new UsageLimit("usage-limit", {
    projectId: appProject.projectId,
    softLimitDollars: config.budget.softLimitUsd,
    hardLimitDollars: config.budget.hardLimitUsd,
  });
  const backupsProject = new Project("backups-project", {
    name: railway.backupJob.projectName,
    workspaceId: railway.workspaceId,
    defaultEnvironmentName: config.environment,
  });
  new RailwayService("backup-job", {
    spec: backupJobSpec({
      repo: railway.backupJob.repo,
      branch: railway.backupJob.branch,
      schedule: backups.schedule,
      pgVersion: railway.backupJob.pgVersion,
      nodeVersion: railway.backupJob.nodeVersion,
      databaseUrl: database.backupDatabaseUrl,
      target: {
        bucketName: bucket.bucketName,
        endpoint: bucket.s3Endpoint,
        region: bucket.s3Region,
        accessKeyId: bucket.accessKeyId,
        secretAccessKey: bucket.secretAccessKey,
      },
      variables: railway.backupJob.variables,
    }),
    placement: {
      projectId: backupsProject.projectId,
      environmentId: backupsProject.defaultEnvironmentId,
    },
    serviceName: railway.backupJob.name,
    extraSecretVariables: config.railwaySecrets.backupJob,
  });

  const forStaging = {
    railwayProjectId: appProject.projectId,
    railwayServiceIds: app.serviceIds,
    railwayServiceNames: app.serviceNames,
  } satisfies ProductionExportsForStaging;
  return {
    environment: config.environment,
    ...forStaging,
    backendDomain: app.backendDomain,
    frontendDomain: app.frontendDomain,
    neonProjectId: database.projectId,
    neonDefaultBranchId: database.branchId,
    databaseHost: database.host,
    databaseName: database.database,
    databaseUser: database.user,
    databasePassword: database.password,
    appDatabaseUrl: database.appDatabaseUrl,
    backupDatabaseUrl: database.backupDatabaseUrl,
    backupSchedule: backups.schedule,
    backupBucketName: bucket.bucketName,
    backupS3Endpoint: bucket.s3Endpoint,
    backupS3Region: bucket.s3Region,
    backupAccessKeyId: bucket.accessKeyId,
    backupSecretAccessKey: bucket.secretAccessKey,
    backupsReaderAccessKeyId: pulumi.secret(bucket.readerAccessKeyId),
    backupsReaderSecretAccessKey: bucket.readerSecretAccessKey,
  };
}

async function declareStaging(config: StagingConfig, secrets: ProviderSecrets) {
  const neonProvider = new neon.Provider("neon", { apiKey: secrets.neonApiKey });
  const production = new pulumi.StackReference("production", {
    name: config.railway.productionStack,
  });
  const fromProduction = await readProductionOutputs(production, config.railway.productionStack);

  // Staging's own Neon project (docs/staging-database.md): its own password and CU-hours.
  const database = new NeonDatabase("database", {
    project: config.neon,
    appUrlScheme: config.database.appUrlScheme,
    provider: neonProvider,
  });

  const environment = new Environment("app-environment", {
    projectId: fromProduction.railwayProjectId,
    name: config.environment,
  });
  const serviceNames = fromProduction.railwayServiceNames;
  const app = new RailwayApp("app", {
    projectId: fromProduction.railwayProjectId,
    environmentId: environment.environmentId,
    services: appSpecs(config.environment, config.railway, serviceNames, database.appDatabaseUrl),
    serviceIds: fromProduction.railwayServiceIds,
    serviceNames,
    secretVariables: config.railwaySecrets,
  });

  return {
    environment: config.environment,
    backendDomain: app.backendDomain,
    frontendDomain: app.frontendDomain,
    neonProjectId: database.projectId,
    neonDefaultBranchId: database.branchId,
    databaseHost: database.host,
    databaseName: database.database,
    databaseUser: database.user,
    databasePassword: database.password,
    appDatabaseUrl: database.appDatabaseUrl,
  };
}

/** Declares every resource of the stack and returns its outputs. */
export async function declareStack(
  config: StackConfig,
  secrets: ProviderSecrets,
): Promise<Record<string, unknown>> {
  return config.environment === "production"
    ? declareProduction(config, secrets)
    : declareStaging(config, secrets);
}
