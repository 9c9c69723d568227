import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { readStackFileConfig } from "../config";
import {
  gunzipTo,
  majorVersion,
  readTableOfContents,
  saveWithSha256,
  toolVersion,
  walkTar,
  type TableOfContents,
} from "./archive";
import {
  bucketClient,
  bucketCredentials,
  BucketAccessError,
  ENDPOINT_VARIABLE,
  listObjects,
  openObject,
  putRecord,
  type BucketAccess,
} from "./bucket";
import { failed, passed, skipped, type BackupCheck } from "./checks";
import { DEFAULT_FILE_PREFIX, listPrefix, type DumpLocation } from "./dump-key";
import { checkInventory } from "./inventory";
import {
  assertEmptyTarget,
  countRows,
  describeTarget,
  refuseNeonTarget,
  restoreArchive,
  RestoreTargetError,
  type PgTools,
} from "./restore";

/** Folder of PostgreSQL client binaries (psql, pg_restore) to use instead of the PATH's. */
export const PG_BIN_VARIABLE = "BACKUPS_PG_BIN";

export interface VerifyOptions {
  readonly projectDir: string;
  readonly stack: string;
  readonly env: NodeJS.ProcessEnv;
  /** A scratch database to restore the newest dump into; without it the drill is skipped. */
  readonly restoreInto?: string;
  /** Writes the evidence next to the dumps (needs a token that may write). */
  readonly record?: boolean;
  readonly now?: Date;
}

export interface Evidence {
  readonly tool: "backups:verify";
  readonly stack: string;
  readonly checkedAt: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly dumpsInWindow: number;
  readonly newest?: {
    readonly key: string;
    readonly bytes: number;
    readonly sha256: string;
    readonly ageHours: number;
    readonly uncompressedBytes?: number;
    /** What `backups.expectedDumpMB` should say: what pg_dump pulls from the server is the tar, before gzip. */
    readonly uncompressedMB?: number;
    readonly dumpedFrom?: string;
    readonly dumpedBy?: string;
    readonly tocEntries?: number;
  };
  readonly restore?: {
    readonly target: string;
    readonly tables: number;
    readonly rows: Readonly<Record<string, number>>;
  };
  readonly durationsMs: { download?: number; decompress?: number; restore?: number; rto?: number };
  readonly rtoMinutes: number;
  readonly tools: Readonly<Record<string, string>>;
  readonly checks: readonly BackupCheck[];
  readonly verdict: "pass" | "fail";
  readonly recordedAs?: string;
}

function pgTools(env: NodeJS.ProcessEnv): PgTools {
  const folder = env[PG_BIN_VARIABLE];
  const tool = (name: string) => (folder ? path.join(folder, name) : name);
  return { psql: tool("psql"), pgRestore: tool("pg_restore") };
}

/** A missing client is the operator's to install, not a failed backup. */
async function versionOf(tool: string): Promise<string> {
  try {
    return await toolVersion(tool);
  } catch {
    throw new RestoreTargetError(
      `Cannot run ${tool}; install a PostgreSQL client of the server's major (e.g. postgresql-client-17) or point ${PG_BIN_VARIABLE} at its bin folder.`,
    );
  }
}

const elapsed = (start: bigint) => Math.round(Number(process.hrtime.bigint() - start) / 1e6);
const megabytes = (bytes: number) => Math.round((bytes / 1_000_000) * 100) / 100;

/** Every check of issue "Backups proven by restoring them", over the stack's bucket; throws only for exit-2 problems. */
export async function verifyBackups(options: VerifyOptions): Promise<Evidence> {
  const now = options.now ?? new Date();
  const { config } = readStackFileConfig(options.projectDir, options.stack);
  if (config.environment !== "production")
    throw new BucketAccessError(`Stack ${options.stack} runs no backups; use --stack production.`);
  const { backups } = config;
  const jobVariables = config.railway.backupJob.variables;
  const location: DumpLocation = {
    subfolder: jobVariables.BUCKET_SUBFOLDER,
    filePrefix: jobVariables.BACKUP_FILE_PREFIX ?? DEFAULT_FILE_PREFIX,
  };
  const access: BucketAccess = {
    endpoint:
      options.env[ENDPOINT_VARIABLE] ?? `https://${backups.accountId}.r2.cloudflarestorage.com`,
    bucket: backups.bucketName,
    ...bucketCredentials(options.env),
  };
  const tools = pgTools(options.env);
  if (options.restoreInto) refuseNeonTarget(options.restoreInto);
  const toolVersions: Record<string, string> = {
    node: process.version,
    pg_restore: await versionOf(tools.pgRestore),
  };
  if (options.restoreInto) toolVersions.psql = await versionOf(tools.psql);

  const client = bucketClient(access);
  const inventory = checkInventory(
    await listObjects(client, access, listPrefix(location)),
    location,
    { rpoHours: backups.rpoHours, retentionDays: backups.retentionDays, now },
  );
  const checks: BackupCheck[] = [...inventory.checks];
  const durations: { download?: number; decompress?: number; restore?: number; rto?: number } = {};
  const newestDump = inventory.dumps.at(-1);
  let newest: Evidence["newest"];
  let restore: Evidence["restore"];
  const work = mkdtempSync(path.join(tmpdir(), "backups-verify-"));
  try {
    if (!newestDump) {
      checks.push(
        skipped("archive-decompresses", "no dump to read"),
        skipped("archive-complete", "no dump to read"),
        skipped("table-of-contents", "no dump to read"),
      );
    } else {
      const gzFile = path.join(work, "dump.tar.gz");
      const tarFile = path.join(work, "dump.tar");
      let started = process.hrtime.bigint();
      const saved = await saveWithSha256(await openObject(client, access, newestDump.key), gzFile);
      durations.download = elapsed(started);
      newest = {
        key: newestDump.key,
        bytes: saved.bytes,
        sha256: saved.sha256,
        ageHours:
          Math.round(((now.getTime() - newestDump.startedAt.getTime()) / 3_600_000) * 100) / 100,
      };
      started = process.hrtime.bigint();
      let decompressed = true;
      try {
        await gunzipTo(gzFile, tarFile);
        checks.push(passed("archive-decompresses", `${newestDump.key} decompresses completely.`));
      } catch (error) {
        decompressed = false;
        checks.push(
          failed(
            "archive-decompresses",
            `${newestDump.key} does not decompress: ${(error as Error).message}.`,
            "The upload is cut short or corrupt: read that run's log in Railway and run the job again; earlier dumps stay until the lifecycle deletes them.",
          ),
        );
      }
      durations.decompress = elapsed(started);
      let toc: TableOfContents | undefined;
      if (decompressed) {
        const tarBytes = statSync(tarFile).size;
        newest = { ...newest, uncompressedBytes: tarBytes, uncompressedMB: megabytes(tarBytes) };
        const walk = walkTar(tarFile);
        const names = walk.members.map((member) => member.name);
        checks.push(
          walk.problem === undefined && names.includes("toc.dat") && names.includes("restore.sql")
            ? passed(
                "archive-complete",
                `The tar archive holds all ${walk.members.length} members, toc.dat and restore.sql included, and its end-of-archive blocks.`,
              )
            : failed(
                "archive-complete",
                `The tar archive inside ${newestDump.key} is incomplete: ${walk.problem ?? `it lacks ${["toc.dat", "restore.sql"].filter((name) => !names.includes(name)).join(" and ")}`}.`,
                "pg_dump died half-way and gzip still closed cleanly (the template checks only gzip's status): read that run's log in Railway (connection limits, a pg_dump older than the server) and run the job again.",
              ),
        );
        try {
          toc = await readTableOfContents(tools.pgRestore, tarFile);
          newest = {
            ...newest,
            dumpedFrom: toc.dumpedFrom,
            dumpedBy: toc.dumpedBy,
            tocEntries: toc.entries,
          };
          checks.push(
            passed(
              "table-of-contents",
              `pg_restore --list reads ${toc.entries} entries, ${toc.tables} tables (dumped from ${toc.dumpedFrom ?? "?"} by pg_dump ${toc.dumpedBy ?? "?"}).`,
            ),
          );
        } catch (error) {
          const stderr = String(
            (error as { stderr?: string }).stderr ?? (error as Error).message,
          ).trim();
          checks.push(
            failed(
              "table-of-contents",
              `pg_restore --list cannot read the archive: ${stderr}`,
              /unsupported version/.test(stderr)
                ? `This pg_restore (${toolVersions.pg_restore}) is older than the pg_dump that wrote it: install the client of the server's major.`
                : "The archive is not a pg_dump tar archive or is damaged: read that run's log in Railway.",
            ),
          );
        }
      } else {
        checks.push(
          skipped("archive-complete", "the archive does not decompress"),
          skipped("table-of-contents", "the archive does not decompress"),
        );
      }

      const readable = checks.every(
        (check) =>
          check.status !== "fail" ||
          !["archive-decompresses", "archive-complete", "table-of-contents"].includes(check.id),
      );
      if (!options.restoreInto) {
        checks.push(skipped("restore-drill", "no --restore-into <scratch database URL> given"));
      } else if (!readable || !toc) {
        checks.push(
          failed(
            "restore-drill",
            "Not attempted: the newest archive is unreadable.",
            "Fix the dump first (see the failed checks above).",
          ),
        );
      } else {
        const client = majorVersion(toolVersions.pg_restore);
        const dumper = majorVersion(toc.dumpedBy);
        if (client !== undefined && dumper !== undefined && client < dumper) {
          checks.push(
            failed(
              "restore-drill",
              `pg_restore ${client} is older than the dump's pg_dump ${dumper}.`,
              `Install postgresql-client-${dumper} or newer.`,
            ),
          );
        } else {
          await assertEmptyTarget(tools, options.restoreInto);
          started = process.hrtime.bigint();
          const outcome = await restoreArchive(tools, options.restoreInto, tarFile);
          durations.restore = elapsed(started);
          durations.rto =
            (durations.download ?? 0) + (durations.decompress ?? 0) + durations.restore;
          const target = describeTarget(options.restoreInto);
          if (!outcome.ok) {
            checks.push(
              failed(
                "restore-drill",
                `pg_restore into ${target} failed: ${outcome.errors}`,
                "Read the error: a missing extension or role on the scratch server, or a damaged dump.",
              ),
            );
          } else {
            const rows = await countRows(tools, options.restoreInto);
            const tables = Object.keys(rows).length;
            restore = { target, tables, rows };
            const expected = backups.expectedTables;
            checks.push(
              expected !== undefined && tables !== expected
                ? failed(
                    "restore-drill",
                    `Restored ${tables} tables into ${target}; backups.expectedTables says ${expected}.`,
                    "A table is missing from the dump (or the schema changed): compare with the live database and update backups.expectedTables.",
                  )
                : tables !== toc.tables
                  ? failed(
                      "restore-drill",
                      `Restored ${tables} tables, but the archive lists ${toc.tables}.`,
                      "Read pg_restore's output; a schema may have been skipped.",
                    )
                  : passed(
                      "restore-drill",
                      `Restored into ${target}: ${tables} tables, ${Object.values(rows).reduce((sum, count) => sum + count, 0)} rows, no errors.`,
                    ),
            );
          }
          const rtoMs = durations.rto;
          checks.push(
            rtoMs <= backups.rtoMinutes * 60_000
              ? passed(
                  "rto-within-target",
                  `Download + decompress + restore took ${(rtoMs / 1000).toFixed(1)} s, within backups.rtoMinutes ${backups.rtoMinutes} min.`,
                )
              : failed(
                  "rto-within-target",
                  `Download + decompress + restore took ${(rtoMs / 60_000).toFixed(1)} min, over backups.rtoMinutes ${backups.rtoMinutes}.`,
                  "Restore faster (a bigger scratch server, pg_restore --jobs with a directory dump) or raise backups.rtoMinutes with the business.",
                ),
          );
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const evidence: Evidence = {
    tool: "backups:verify",
    stack: options.stack,
    checkedAt: now.toISOString(),
    bucket: access.bucket,
    prefix: listPrefix(location),
    dumpsInWindow: inventory.dumps.length,
    newest,
    restore,
    durationsMs: durations,
    rtoMinutes: backups.rtoMinutes,
    tools: toolVersions,
    checks,
    verdict: checks.some((check) => check.status === "fail") ? "fail" : "pass",
  };
  if (!options.record || !newestDump) return evidence;
  const folder = location.subfolder?.replace(/^\/+|\/+$/g, "");
  const recordKey = `${folder ? `${folder}/` : ""}verify/${path.posix.basename(newestDump.key)}.json`;
  const recorded = { ...evidence, recordedAs: recordKey };
  await putRecord(client, access, recordKey, `${JSON.stringify(recorded, null, 2)}\n`);
  return recorded;
}

/** The evidence for a terminal: one line per check, the fix under each failure. */
export function renderEvidence(evidence: Evidence): string {
  const marks = { pass: "✓", fail: "✗", skipped: "–" } as const;
  const lines = [
    `backups:verify ${evidence.stack}: ${evidence.dumpsInWindow} dumps under s3://${evidence.bucket}/${evidence.prefix}`,
  ];
  if (evidence.newest) {
    lines.push(
      `newest ${evidence.newest.key}: ${evidence.newest.bytes} bytes, sha256 ${evidence.newest.sha256}, ${evidence.newest.ageHours} h old`,
    );
    if (evidence.newest.uncompressedMB !== undefined)
      lines.push(
        `  pg_dump output ${evidence.newest.uncompressedMB} MB (what Neon transfers per dump; put it in backups.expectedDumpMB)`,
      );
  }
  if (evidence.restore)
    lines.push(
      `restored into ${evidence.restore.target}: ${evidence.restore.tables} tables; RTO ${((evidence.durationsMs.rto ?? 0) / 1000).toFixed(1)} s of ${evidence.rtoMinutes} min`,
    );
  for (const check of evidence.checks) {
    lines.push(`${marks[check.status]} ${check.id}: ${check.message}`);
    if (check.fix) lines.push(`    fix: ${check.fix}`);
  }
  if (evidence.recordedAs)
    lines.push(`evidence written to s3://${evidence.bucket}/${evidence.recordedAs}`);
  lines.push(`verdict: ${evidence.verdict}`);
  return lines.join("\n");
}
