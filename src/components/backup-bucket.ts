import { createHash } from "node:crypto";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

/** The permission group that lets a token read, write and list objects of one bucket, nothing more. */
export const BUCKET_ITEM_WRITE_GROUP = "Workers R2 Storage Bucket Item Write";
/** The permission group that lets a token read and list objects of one bucket, nothing more. */
export const BUCKET_ITEM_READ_GROUP = "Workers R2 Storage Bucket Item Read";
const SECONDS_PER_DAY = 86_400;
/** R2's own default for abandoned multipart uploads, which declaring rules would otherwise drop. */
const ABORT_MULTIPART_AFTER_DAYS = 7;

export interface BackupBucketArgs {
  /** Cloudflare account id. Plain, because it is part of the import id and the token's resource string. */
  readonly accountId: string;
  readonly bucketName: string;
  /** Days a backup object is kept before R2 deletes it. */
  readonly retentionDays: number;
  /** Adopt the existing bucket (`import`) instead of creating one. Defaults to false. */
  readonly adopt?: boolean;
  /** Name of the bucket-scoped API token minted for the backup job. */
  readonly tokenName: string;
  /** Name of the read-only bucket-scoped token minted for verifying and restoring the backups. */
  readonly readerTokenName: string;
  /** Explicit Cloudflare provider (carrying the API token from config). Defaults to the stack's default provider. */
  readonly provider?: pulumi.ProviderResource;
}

/** The lifecycle that keeps each backup exactly `retentionDays` (R2 counts `maxAge` in seconds). */
export function backupLifecycleRules(
  retentionDays: number,
): cloudflare.types.input.R2BucketLifecycleRule[] {
  return [
    {
      id: `expire-backups-after-${retentionDays}d`,
      enabled: true,
      conditions: { prefix: "" },
      deleteObjectsTransition: {
        condition: { type: "Age", maxAge: retentionDays * SECONDS_PER_DAY },
      },
      abortMultipartUploadsTransition: {
        condition: { type: "Age", maxAge: ABORT_MULTIPART_AFTER_DAYS * SECONDS_PER_DAY },
      },
    },
  ];
}

/**
 * The R2 bucket the database backups go to, its retention, and S3 credentials
 * minted as code: an account token allowed to write objects of this bucket only.
 */
export class BackupBucket extends pulumi.ComponentResource {
  public readonly bucketName: pulumi.Output<string>;
  /** S3-compatible endpoint of the account (`https://<account>.r2.cloudflarestorage.com`). */
  public readonly s3Endpoint: pulumi.Output<string>;
  /** R2 accepts "auto" as its only region. */
  public readonly s3Region: pulumi.Output<string>;
  /** S3 access key id: the token's id. */
  public readonly accessKeyId: pulumi.Output<string>;
  /** S3 secret access key: SHA-256 hex of the token's value. */
  public readonly secretAccessKey: pulumi.Output<string>;
  /** S3 access key id of the read-only token the restore drill uses. */
  public readonly readerAccessKeyId: pulumi.Output<string>;
  /** S3 secret access key of the read-only token. */
  public readonly readerSecretAccessKey: pulumi.Output<string>;

  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:backups:BackupBucket", name, {}, opts);
    const { accountId, bucketName } = args;
    const childOpts = { parent: this, provider: args.provider };

    const bucket = new cloudflare.R2Bucket(
      `${name}-bucket`,
      { accountId, name: bucketName },
      {
        ...childOpts,
        protect: true,
        import: args.adopt ? `${accountId}/${bucketName}/default` : undefined,
      },
    );
    new cloudflare.R2BucketLifecycle(
      `${name}-lifecycle`,
      { accountId, bucketName: bucket.name, rules: backupLifecycleRules(args.retentionDays) },
      childOpts,
    );

    const permissionGroups = cloudflare.getAccountApiTokenPermissionGroupsListOutput(
      { accountId },
      { parent: this, provider: args.provider },
    ).results;
    const groupId = (groupName: string) =>
      permissionGroups.apply((groups) => {
        const group = groups.find((candidate) => candidate.name === groupName);
        if (!group) {
          throw new pulumi.ResourceError(
            `Cloudflare account ${accountId} lists no permission group "${groupName}"; ` +
              "check that the operator token has Account API Tokens Read.",
            this,
          );
        }
        return group.id;
      });
    const bucketToken = (role: string, tokenName: string, group: string) =>
      new cloudflare.AccountToken(
        `${name}-${role}-token`,
        {
          accountId,
          name: tokenName,
          policies: [
            {
              effect: "allow",
              permissionGroups: [{ id: groupId(group) }],
              resources: JSON.stringify({
                [`com.cloudflare.edge.r2.bucket.${accountId}_default_${bucketName}`]: "*",
              }),
            },
          ],
        },
        childOpts,
      );
    const token = bucketToken("writer", args.tokenName, BUCKET_ITEM_WRITE_GROUP);
    // The job's token stays the job's alone: verifying and restoring need only to read.
    const reader = bucketToken("reader", args.readerTokenName, BUCKET_ITEM_READ_GROUP);

    this.bucketName = bucket.name;
    this.s3Endpoint = pulumi.output(`https://${accountId}.r2.cloudflarestorage.com`);
    this.s3Region = pulumi.output("auto");
    this.accessKeyId = token.id;
    this.secretAccessKey = pulumi.secret(
      token.value.apply((value) => createHash("sha256").update(value).digest("hex")),
    );
    this.readerAccessKeyId = reader.id;
    this.readerSecretAccessKey = pulumi.secret(
      reader.value.apply((value) => createHash("sha256").update(value).digest("hex")),
    );
    this.registerOutputs({
      bucketName: this.bucketName,
      s3Endpoint: this.s3Endpoint,
      s3Region: this.s3Region,
      accessKeyId: this.accessKeyId,
      secretAccessKey: this.secretAccessKey,
      readerAccessKeyId: this.readerAccessKeyId,
      readerSecretAccessKey: this.readerSecretAccessKey,
    });
  }
}
