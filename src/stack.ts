import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import { BackupBucket } from "./components/backup-bucket";
import { BackupJob } from "./components/backup-job";
import { NeonDatabase } from "./components/neon-database";
import { RailwayApp } from "./components/railway-app";
import type { ProductionConfig, ProviderSecrets, StackConfig, StagingConfig } from "./config";
import { Environment } from "./railway/environment";
import { Project } from "./railway/project";

/**
 * Outputs the staging stack reads from production through a StackReference: Railway ids only.
 * Staging has its own Neon project, so no production database output (or credential) crosses over.
 */
export type ProductionOutputForStaging = "railwayProjectId";

function declareProduction(config: ProductionConfig, secrets: ProviderSecrets) {
  const neonProvider = new neon.Provider("neon", { apiKey: secrets.neonApiKey });
  const cloudflareProvider = new cloudflare.Provider("cloudflare", { apiToken: secrets.cloudflareApiToken });
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
    provider: cloudflareProvider,
  });

  const { railway } = config;
  // Both projects exist in the dashboard: adopted by name, never deleted by this program.
  const appProject = new Project("app-project", {
    name: railway.projectName,
    workspaceId: railway.workspaceId,
    defaultEnvironmentName: config.environment,
  });
  const app = new RailwayApp("app", {
    environment: config.environment,
    projectId: appProject.projectId,
    environmentId: appProject.defaultEnvironmentId,
    settings: railway,
    databaseUrl: database.appDatabaseUrl,
    secretVariables: config.railwaySecrets,
  });
  const backupsProject = new Project("backups-project", {
    name: railway.backupJob.projectName,
    workspaceId: railway.workspaceId,
    defaultEnvironmentName: config.environment,
  });
  new BackupJob("backup-job", {
    placement: { projectId: backupsProject.projectId, environmentId: backupsProject.defaultEnvironmentId },
    serviceName: railway.backupJob.name,
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
    extraVariables: railway.backupJob.variables,
    extraSecretVariables: config.railwaySecrets.backupJob,
  });

  return {
    environment: config.environment,
    railwayProjectId: appProject.projectId,
    railwayServiceIds: app.serviceIds,
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
  };
}

function declareStaging(config: StagingConfig, secrets: ProviderSecrets) {
  const neonProvider = new neon.Provider("neon", { apiKey: secrets.neonApiKey });
  const production = new pulumi.StackReference("production", { name: config.railway.productionStack });
  const fromProduction = (key: ProductionOutputForStaging) => production.requireOutput(key) as pulumi.Output<string>;

  // Staging's own Neon project (README, "Staging's database"): its own password and CU-hours.
  const database = new NeonDatabase("database", {
    project: config.neon,
    appUrlScheme: config.database.appUrlScheme,
    provider: neonProvider,
  });

  const environment = new Environment("app-environment", {
    projectId: fromProduction("railwayProjectId"),
    name: config.environment,
  });
  const app = new RailwayApp("app", {
    environment: config.environment,
    projectId: fromProduction("railwayProjectId"),
    environmentId: environment.environmentId,
    serviceIds: production.requireOutput("railwayServiceIds") as pulumi.Output<Record<"backend" | "frontend" | "redis" | "crawl4ai", string>>,
    settings: config.railway,
    databaseUrl: database.appDatabaseUrl,
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
export function declareStack(config: StackConfig, secrets: ProviderSecrets): Record<string, unknown> {
  return config.environment === "production"
    ? declareProduction(config, secrets)
    : declareStaging(config, secrets);
}
