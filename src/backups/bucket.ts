import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { ListedObject } from "./inventory";

/** Environment variables holding the read-only R2 token (stack outputs backupsReaderAccessKeyId / backupsReaderSecretAccessKey). */
export const ACCESS_KEY_VARIABLE = "BACKUPS_R2_ACCESS_KEY_ID";
export const SECRET_KEY_VARIABLE = "BACKUPS_R2_SECRET_ACCESS_KEY";
/** Overrides the stack's R2 endpoint, for an S3-compatible server of one's own (the tests' local one). */
export const ENDPOINT_VARIABLE = "BACKUPS_S3_ENDPOINT";

/** Credentials, bucket or connection problems: the operator's to fix, exit 2, never a trace. */
export class BucketAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BucketAccessError";
  }
}

export interface BucketAccess {
  readonly endpoint: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export function bucketCredentials(env: NodeJS.ProcessEnv): {
  accessKeyId: string;
  secretAccessKey: string;
} {
  const accessKeyId = env[ACCESS_KEY_VARIABLE];
  const secretAccessKey = env[SECRET_KEY_VARIABLE];
  const unset = [
    [ACCESS_KEY_VARIABLE, accessKeyId],
    [SECRET_KEY_VARIABLE, secretAccessKey],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (unset.length) {
    throw new BucketAccessError(
      `${unset.join(" and ")} ${unset.length === 1 ? "is" : "are"} not set; export the read-only R2 token: ` +
        `${ACCESS_KEY_VARIABLE}="$(pulumi stack output backupsReaderAccessKeyId --stack production)" ${SECRET_KEY_VARIABLE}="$(pulumi stack output --show-secrets backupsReaderSecretAccessKey --stack production)".`,
    );
  }
  return { accessKeyId: accessKeyId as string, secretAccessKey: secretAccessKey as string };
}

const CREDENTIAL_ERRORS = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "AccessDenied",
  "InvalidToken",
  "Unauthorized",
  "Forbidden",
]);

/** Says what went wrong and what to do, without the credentials (the SDK's own message can echo the key id). */
function accessError(error: unknown, action: string, access: BucketAccess): BucketAccessError {
  const where = `bucket "${access.bucket}" at ${access.endpoint}`;
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    if (CREDENTIAL_ERRORS.has(error.name) || status === 401 || status === 403) {
      return new BucketAccessError(
        `${action} ${where} was refused (${error.name}, HTTP ${status ?? "?"}): the credentials in ${ACCESS_KEY_VARIABLE} / ${SECRET_KEY_VARIABLE} are wrong or not allowed on this bucket. ` +
          "Use the stack's read-only token (outputs backupsReaderAccessKeyId, backupsReaderSecretAccessKey).",
      );
    }
    if (error.name === "NoSuchBucket")
      return new BucketAccessError(
        `${action} ${where}: no such bucket; check backups.bucketName and backups.accountId in the stack file.`,
      );
    return new BucketAccessError(
      `${action} ${where} failed: ${error.name} (HTTP ${status ?? "?"}).`,
    );
  }
  const code = (error as { code?: string }).code;
  return new BucketAccessError(
    `${action} ${where} failed: cannot connect (${code ?? (error as Error).name}); check the endpoint and the network.`,
  );
}

export function bucketClient(access: BucketAccess): S3Client {
  return new S3Client({
    endpoint: access.endpoint,
    // R2 takes "auto" as its region (cloudflare-docs r2/api/s3/api.md).
    region: "auto",
    forcePathStyle: true,
    credentials: { accessKeyId: access.accessKeyId, secretAccessKey: access.secretAccessKey },
    maxAttempts: 2,
  });
}

export async function listObjects(
  client: S3Client,
  access: BucketAccess,
  prefix: string,
): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(
        new ListObjectsV2Command({
          Bucket: access.bucket,
          Prefix: prefix,
          ContinuationToken: token,
        }),
      );
    } catch (error) {
      throw accessError(error, "Listing", access);
    }
    for (const object of page.Contents ?? []) {
      if (object.Key && object.LastModified)
        objects.push({
          key: object.Key,
          size: object.Size ?? 0,
          lastModified: object.LastModified,
        });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

export async function openObject(
  client: S3Client,
  access: BucketAccess,
  key: string,
): Promise<Readable> {
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: access.bucket, Key: key }));
    return answer.Body as Readable;
  } catch (error) {
    throw accessError(error, `Reading ${key} from`, access);
  }
}

export async function putRecord(
  client: S3Client,
  access: BucketAccess,
  key: string,
  body: string,
): Promise<void> {
  try {
    await client.send(
      new PutObjectCommand({
        Bucket: access.bucket,
        Key: key,
        Body: body,
        ContentType: "application/json",
      }),
    );
  } catch (error) {
    throw accessError(error, `Writing ${key} to`, access);
  }
}
