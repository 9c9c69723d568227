import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import { BackupBucket } from "./components/backup-bucket";
import { NeonDatabase } from "./components/neon-database";
import type { ProductionConfig, ProviderSecrets, StackConfig, StagingConfig } from "./config";

/** Outputs the staging stack reads from production through a StackReference. */
export type ProductionOutputForStaging = "neonProjectId" | "neonDefaultBranchId" | "databaseName" | "databaseUser";

function declareProduction(config: ProductionConfig, secrets: ProviderSecrets) {
  const neonProvider = new neon.Provider("neon", { apiKey: secrets.neonApiKey });
  const cloudflareProvider = new cloudflare.Provider("cloudflare", { apiToken: secrets.cloudflareApiToken });
  const { neon: project, backups } = config;

  const database = new NeonDatabase("database", {
    database: { kind: "project", ...project },
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

  return {
    environment: config.environment,
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
  const production = new pulumi.StackReference("production", { name: config.neon.productionStack });
  const fromProduction = (key: ProductionOutputForStaging) => production.requireOutput(key) as pulumi.Output<string>;

  const database = new NeonDatabase("database", {
    database: {
      kind: "branch",
      projectId: fromProduction("neonProjectId"),
      parentBranchId: fromProduction("neonDefaultBranchId"),
      branchName: config.neon.branchName,
      databaseName: fromProduction("databaseName"),
      roleName: fromProduction("databaseUser"),
    },
    appUrlScheme: config.database.appUrlScheme,
    provider: neonProvider,
  });

  return {
    environment: config.environment,
    neonProjectId: database.projectId,
    neonBranchId: database.branchId,
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
