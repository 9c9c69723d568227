/**
 * Object keys as railwayapp-templates/postgres-s3-backups writes them (`src/backup.ts`):
 * `[BUCKET_SUBFOLDER/]${BACKUP_FILE_PREFIX}-${new Date().toISOString() with ":" and "." as "-"}.tar.gz`,
 * the archive being `pg_dump --format=tar | gzip`. The prefix defaults to `backup` (`src/env.ts`).
 */
export const DEFAULT_FILE_PREFIX = "backup";

/** Where the job's dumps live in the bucket, from its BUCKET_SUBFOLDER and BACKUP_FILE_PREFIX variables. */
export interface DumpLocation {
  readonly subfolder?: string;
  readonly filePrefix: string;
}

function folderOf(location: DumpLocation): string {
  const folder = location.subfolder?.replace(/^\/+|\/+$/g, "");
  return folder ? `${folder}/` : "";
}

/** The S3 `Prefix` to list: the subfolder and the file prefix. */
export function listPrefix(location: DumpLocation): string {
  return `${folderOf(location)}${location.filePrefix}-`;
}

/** The key the template gives a dump started at `startedAt`. */
export function dumpKey(location: DumpLocation, startedAt: Date): string {
  return `${listPrefix(location)}${startedAt.toISOString().replace(/[:.]+/g, "-")}.tar.gz`;
}

/** When the dump was started, read back from its key; undefined for a key the template did not write. */
export function dumpStartedAt(location: DumpLocation, key: string): Date | undefined {
  const prefix = listPrefix(location);
  if (!key.startsWith(prefix)) return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.tar\.gz$/.exec(
    key.slice(prefix.length),
  );
  if (!match) return undefined;
  const [, day, hours, minutes, seconds, millis] = match;
  const date = new Date(`${day}T${hours}:${minutes}:${seconds}.${millis}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
