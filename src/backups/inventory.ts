import { failed, passed, skipped, type BackupCheck } from "./checks";
import { dumpStartedAt, listPrefix, type DumpLocation } from "./dump-key";

/** Time a run may take between its cron start and the upload, on top of the RPO. */
export const DUMP_GRACE_MINUTES = 30;
/** A newest dump under this share of the recent median is taken for a truncated one. */
export const TRUNCATION_RATIO = 0.5;
/** Dumps before the newest that the size trend compares it with. */
const TREND_WINDOW = 10;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface Dump extends ListedObject {
  /** From the key (the template's start time); the upload time for a key it did not write. */
  readonly startedAt: Date;
}

export interface InventoryPolicy {
  readonly rpoHours: number;
  readonly retentionDays: number;
  readonly now: Date;
}

export interface Inventory {
  /** Dumps in the retention window, oldest first. */
  readonly dumps: readonly Dump[];
  /** Objects under the prefix that are not dumps (verify records, stray uploads). */
  readonly otherKeys: readonly string[];
  readonly checks: readonly BackupCheck[];
}

const hours = (ms: number) => Math.round((ms / HOUR_MS) * 100) / 100;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The inventory checks over one listing of the job's prefix: a dump exists and is fresh, no gap
 * between consecutive dumps exceeds the RPO, the lifecycle deleted what is past retention, and
 * the newest is not much smaller than the recent ones (the template uploads a dump that died
 * half-way, since its exit status is gzip's).
 */
export function checkInventory(
  objects: readonly ListedObject[],
  location: DumpLocation,
  policy: InventoryPolicy,
): Inventory {
  const { rpoHours, retentionDays, now } = policy;
  const archives = objects.filter((object) => object.key.endsWith(".tar.gz"));
  const otherKeys = objects
    .filter((object) => !object.key.endsWith(".tar.gz"))
    .map((object) => object.key);
  const all: Dump[] = archives
    .map((object) => ({
      ...object,
      startedAt: dumpStartedAt(location, object.key) ?? object.lastModified,
    }))
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const expiry = now.getTime() - (retentionDays + 1) * DAY_MS;
  const stale = all.filter((dump) => dump.lastModified.getTime() < expiry);
  const dumps = all.filter((dump) => dump.lastModified.getTime() >= expiry);
  const prefix = listPrefix(location);
  const allowedMs = rpoHours * HOUR_MS + DUMP_GRACE_MINUTES * 60_000;
  const checks: BackupCheck[] = [];

  const newest = dumps.at(-1);
  if (!newest) {
    checks.push(
      failed(
        "newest-within-rpo",
        `No dump under "${prefix}" in the last ${retentionDays + 1} days.`,
        "Check the backup job's last runs in Railway (project of railway.backupJob) and that its BUCKET_SUBFOLDER / BACKUP_FILE_PREFIX match railway.backupJob.variables.",
      ),
    );
  } else {
    const age = now.getTime() - newest.startedAt.getTime();
    checks.push(
      age <= allowedMs
        ? passed(
            "newest-within-rpo",
            `Newest dump ${newest.key} is ${hours(age)} h old (RPO ${rpoHours} h + ${DUMP_GRACE_MINUTES} min for the run).`,
          )
        : failed(
            "newest-within-rpo",
            `Newest dump ${newest.key} is ${hours(age)} h old, over the ${rpoHours} h RPO + ${DUMP_GRACE_MINUTES} min.`,
            "The job has stopped dumping: read its latest deployment logs in Railway and run it once by hand.",
          ),
    );
  }

  const gaps = dumps.slice(1).map((dump, index) => ({
    from: dumps[index] as Dump,
    to: dump,
    ms: dump.startedAt.getTime() - (dumps[index] as Dump).startedAt.getTime(),
  }));
  const long = gaps.filter((gap) => gap.ms > allowedMs);
  if (dumps.length < 2)
    checks.push(
      skipped("no-gap-over-rpo", `${dumps.length} dump in the window: no gap to measure.`),
    );
  else if (long.length === 0) {
    checks.push(
      passed(
        "no-gap-over-rpo",
        `${dumps.length} dumps; the longest gap is ${hours(Math.max(...gaps.map((gap) => gap.ms)))} h (RPO ${rpoHours} h).`,
      ),
    );
  } else {
    const shown = long
      .slice(0, 3)
      .map(
        (gap) =>
          `${gap.from.startedAt.toISOString()} → ${gap.to.startedAt.toISOString()} (${hours(gap.ms)} h)`,
      );
    checks.push(
      failed(
        "no-gap-over-rpo",
        `${long.length} gap${long.length === 1 ? "" : "s"} between dumps exceed the ${rpoHours} h RPO: ${shown.join(", ")}${long.length > 3 ? ", …" : ""}.`,
        "Runs were missed: read the job's deployment history in Railway for those dates; a schedule that meets the RPO is checked by the plan (backup-schedule-meets-rpo).",
      ),
    );
  }

  checks.push(
    stale.length === 0
      ? passed(
          "lifecycle-expires-old-dumps",
          `Nothing under "${prefix}" is older than ${retentionDays} days + 1.`,
        )
      : failed(
          "lifecycle-expires-old-dumps",
          `${stale.length} dump${stale.length === 1 ? " is" : "s are"} older than the ${retentionDays}-day retention + 1 day (oldest ${stale[0]?.key}, uploaded ${stale[0]?.lastModified.toISOString()}).`,
          "The bucket's lifecycle rule is not deleting: compare it with `pulumi preview` (R2BucketLifecycle backups-lifecycle) and the R2 dashboard.",
        ),
  );

  const before = dumps.slice(-1 - TREND_WINDOW, -1);
  if (!newest || before.length < 3) {
    checks.push(
      skipped(
        "size-trend",
        `${before.length} earlier dump${before.length === 1 ? "" : "s"} in the window: too few to judge the newest's size.`,
      ),
    );
  } else {
    const typical = median(before.map((dump) => dump.size));
    checks.push(
      newest.size >= typical * TRUNCATION_RATIO
        ? passed(
            "size-trend",
            `Newest dump is ${newest.size} bytes; the median of the ${before.length} before it is ${typical}.`,
          )
        : failed(
            "size-trend",
            `Newest dump is ${newest.size} bytes, under ${TRUNCATION_RATIO * 100}% of the median ${typical} of the ${before.length} before it: likely truncated.`,
            "A pg_dump that died half-way still uploads (the template checks gzip's status): read that run's log in Railway, then run the job again.",
          ),
    );
  }
  return { dumps, otherKeys, checks };
}
