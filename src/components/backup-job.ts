import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../railway/service-config";
import { declareServiceConfig, serviceIdFor, type RailwayServiceArgs } from "./railway-placement";

/** Where the dumps go: the R2 bucket and its bucket-scoped S3 credentials. */
export interface BackupTarget {
  readonly bucketName: pulumi.Input<string>;
  readonly endpoint: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly accessKeyId: pulumi.Input<string>;
  readonly secretAccessKey: pulumi.Input<string>;
}

export interface BackupJobArgs extends RailwayServiceArgs {
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
}

/**
 * The postgres-s3-backups job as Railway's template now deploys it: a cron service that dumps
 * once and exits (SINGLE_SHOT_MODE; railwayapp-templates/postgres-s3-backups src/env.ts).
 * A failed dump is not restarted: the next scheduled run tries again, instead of ten dumps in a row.
 */
export class BackupJob extends pulumi.ComponentResource {
  public readonly serviceId: pulumi.Output<string>;
  public readonly config: ServiceConfig;

  constructor(name: string, args: BackupJobArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:BackupJob", name, {}, opts);
    const { target } = args;
    this.serviceId = serviceIdFor(this, name, args.placement, args.serviceName, "backupJob");
    this.config = declareServiceConfig(this, name, args, this.serviceId, {
      role: "backupJob",
      source: { repo: args.repo, branch: args.branch },
      deploy: { cronSchedule: args.schedule, restartPolicyType: "NEVER" },
      wired: {
        plain: {
          SINGLE_SHOT_MODE: "true",
          PG_VERSION: String(args.pgVersion),
          NODE_VERSION: args.nodeVersion,
          AWS_S3_BUCKET: target.bucketName,
          AWS_S3_ENDPOINT: target.endpoint,
          AWS_S3_REGION: target.region,
        },
        secret: {
          BACKUP_DATABASE_URL: args.databaseUrl,
          AWS_ACCESS_KEY_ID: target.accessKeyId,
          AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
        },
      },
    });
    this.registerOutputs({ serviceId: this.serviceId });
  }
}
