import type * as pulumi from "@pulumi/pulumi";
import type { ServiceSpec } from "../components/railway-service";

/** Where the dumps go: the R2 bucket and its bucket-scoped S3 credentials. */
export interface BackupTarget {
  readonly bucketName: pulumi.Input<string>;
  readonly endpoint: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly accessKeyId: pulumi.Input<string>;
  readonly secretAccessKey: pulumi.Input<string>;
}

export interface BackupJobSettings {
  /** The postgres-s3-backups template's repository, or a fork ("owner/name"). */
  readonly repo: string;
  readonly branch: string;
  /** Railway cron (UTC, five fields, at least 5 minutes apart). */
  readonly schedule: string;
  /** Major of the pg_dump client (build ARG PG_VERSION); at least the server's. */
  readonly pgVersion: number;
  /** Node image tag the job builds on (build ARG NODE_VERSION); its Alpine must ship postgresql<pgVersion>-client. */
  readonly nodeVersion: string;
  /** Neon's direct host with exactly ?sslmode=require (the job pastes it unquoted into a shell). */
  readonly databaseUrl: pulumi.Input<string>;
  readonly target: BackupTarget;
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * The postgres-s3-backups job as Railway's template now deploys it: a cron service that dumps
 * once and exits (SINGLE_SHOT_MODE; railwayapp-templates/postgres-s3-backups src/env.ts).
 * A failed dump is not restarted: the next scheduled run tries again, instead of ten dumps in a row.
 */
export function backupJobSpec(job: BackupJobSettings): ServiceSpec {
  const { target } = job;
  return {
    role: "backupJob",
    componentType: "client-fulfillment:railway:BackupJob",
    traits: [],
    source: { repo: job.repo, branch: job.branch },
    deploy: { cronSchedule: job.schedule, restartPolicyType: "NEVER" },
    wired: {
      plain: {
        SINGLE_SHOT_MODE: "true",
        PG_VERSION: String(job.pgVersion),
        NODE_VERSION: job.nodeVersion,
        AWS_S3_BUCKET: target.bucketName,
        AWS_S3_ENDPOINT: target.endpoint,
        AWS_S3_REGION: target.region,
      },
      secret: {
        BACKUP_DATABASE_URL: job.databaseUrl,
        AWS_ACCESS_KEY_ID: target.accessKeyId,
        AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
      },
    },
    extraVariables: job.variables,
  };
}
