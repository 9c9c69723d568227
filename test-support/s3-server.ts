import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
// @20minutes/s3rver ships no types; its constructor and run/close are all these tests use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("@20minutes/s3rver") as new (options: Record<string, unknown>) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

/**
 * s3rver's one account (lib/models/account.js). It knows no other access key id (InvalidAccessKeyId,
 * HTTP 403, as R2 answers), but it cannot check signatures of bucket-level requests: it signs the
 * path `/bucket` where @aws-sdk/client-s3 signs `/bucket/` (lib/middleware/authentication.js), so
 * every ListObjectsV2 would be refused. Mismatched signatures are let through; wrong credentials are
 * tested with an unknown key id.
 */
export const S3_ACCESS_KEY_ID = "S3RVER";
export const S3_SECRET_ACCESS_KEY = "S3RVER";

export interface LocalS3 {
  readonly endpoint: string;
  /** Sets an object's Last-Modified, which s3rver takes from its file's mtime (lib/stores/filesystem.js). */
  setLastModified(bucket: string, key: string, date: Date): void;
  stop(): Promise<void>;
}

/** A real S3-compatible HTTP server on a loopback port, storing objects in a temp folder. */
export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    allowMismatchedSignatures: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setLastModified(bucket, key, date) {
      const parts = key.split("/");
      const file = path.join(
        directory,
        bucket,
        ...parts.slice(0, -1),
        `${parts.at(-1)}._S3rver_object`,
      );
      utimesSync(file, date, date);
    },
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
