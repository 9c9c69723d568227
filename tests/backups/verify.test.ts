import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { gzipSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { dumpKey } from "../../src/backups/dump-key";
import { verifyBackups, type Evidence } from "../../src/backups/verify";
import {
  findPostgresServer,
  POSTGRES_MISSING,
  POSTGRES_REQUIRED_VARIABLE,
  startPostgres,
  type PostgresCluster,
} from "../../test-support/postgres-cluster";
import {
  S3_ACCESS_KEY_ID,
  S3_SECRET_ACCESS_KEY,
  startLocalS3,
  type LocalS3,
} from "../../test-support/s3-server";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
const BUCKET = "client-fullfilment-backups";
const HOUR = 3_600_000;
const TABLES = 24;

const bin = findPostgresServer();
if (!bin && process.env[POSTGRES_REQUIRED_VARIABLE])
  throw new Error(
    `${POSTGRES_REQUIRED_VARIABLE} is set but ${POSTGRES_MISSING.replace(/^skip: /, "")}`,
  );

describe.skipIf(!bin)("backups:verify against a real PostgreSQL and a local S3 server", () => {
  let pg: PostgresCluster;
  let s3: LocalS3;
  let client: S3Client;
  let archive: Buffer;
  let sourceFingerprint: string;
  const work = mkdtempSync(path.join(tmpdir(), "backups-test-"));
  let scratchCount = 0;

  const fingerprint = () =>
    pg.psql(
      "source",
      "SELECT string_agg(format('%s=%s', c.relname, c.reltuples), ',' ORDER BY c.relname) || '|' || (SELECT string_agg(md5(t::text), '') FROM t01 t) FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace",
    );

  beforeAll(async () => {
    pg = await startPostgres(bin as string);
    await pg.psql("postgres", "CREATE DATABASE source");
    const ddl = Array.from({ length: TABLES }, (_, index) => {
      const table = `t${String(index + 1).padStart(2, "0")}`;
      return `CREATE TABLE ${table} (id serial PRIMARY KEY, label text NOT NULL); INSERT INTO ${table} (label) SELECT 'row ' || n FROM generate_series(1, ${(index + 1) * 10}) n;`;
    }).join("\n");
    await pg.psql("source", ddl);
    await pg.psql("source", "ANALYZE");
    sourceFingerprint = await fingerprint();
    // Exactly the template's command (postgres-s3-backups src/backup.ts).
    const dumpFile = path.join(work, "dump.tar.gz");
    await run("sh", [
      "-c",
      `${path.join(bin as string, "pg_dump")} --dbname=${pg.url("source")} --format=tar | gzip > ${dumpFile}`,
    ]);
    archive = readFileSync(dumpFile);
    s3 = await startLocalS3([BUCKET]);
    client = new S3Client({
      endpoint: s3.endpoint,
      region: "auto",
      forcePathStyle: true,
      credentials: { accessKeyId: S3_ACCESS_KEY_ID, secretAccessKey: S3_SECRET_ACCESS_KEY },
    });
  }, 60_000);

  afterAll(async () => {
    await s3?.stop();
    await pg?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  /** A project folder whose production stack file puts this case's dumps under their own subfolder. */
  function projectFor(
    subfolder: string,
    edit: (document: ReturnType<typeof parseDocument>) => void = () => undefined,
  ): string {
    const dir = mkdtempSync(path.join(work, `${subfolder}-`));
    copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const document = parseDocument(readFileSync(path.join(ROOT, "Pulumi.production.yaml"), "utf8"));
    document.setIn(["config", "client-fulfillment-infra:railway", "backupJob", "variables"], {
      BUCKET_SUBFOLDER: subfolder,
    });
    document.setIn(["config", "client-fulfillment-infra:backups", "expectedTables"], TABLES);
    edit(document);
    writeFileSync(path.join(dir, "Pulumi.production.yaml"), document.toString());
    return dir;
  }

  async function upload(
    subfolder: string,
    hoursAgo: number,
    body: Buffer = archive,
  ): Promise<string> {
    const key = dumpKey(
      { subfolder, filePrefix: "backup" },
      new Date(Date.now() - hoursAgo * HOUR),
    );
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    return key;
  }

  /** Dumps every 6 h, the newest an hour ago, as `0 *\/6 * * *` leaves them. */
  async function regularDumps(subfolder: string, count = 5): Promise<string[]> {
    const keys: string[] = [];
    for (let index = count - 1; index >= 0; index--)
      keys.push(await upload(subfolder, 1 + index * 6));
    return keys;
  }

  async function scratch(): Promise<string> {
    const name = `drill_${++scratchCount}`;
    await pg.psql("postgres", `CREATE DATABASE ${name}`);
    return pg.url(name);
  }

  const env = {
    BACKUPS_R2_ACCESS_KEY_ID: S3_ACCESS_KEY_ID,
    BACKUPS_R2_SECRET_ACCESS_KEY: S3_SECRET_ACCESS_KEY,
    BACKUPS_PG_BIN: bin as string,
  } as const;
  const envFor = () => ({ ...env, BACKUPS_S3_ENDPOINT: s3.endpoint });
  const statuses = (evidence: Evidence) =>
    Object.fromEntries(evidence.checks.map((check) => [check.id, check.status]));

  it("passes and restores the newest dump into a scratch database, 24 tables with their rows, within the RTO", async () => {
    await regularDumps("healthy");
    const evidence = await verifyBackups({
      projectDir: projectFor("healthy"),
      stack: "production",
      env: envFor(),
      restoreInto: await scratch(),
    });
    process.stdout.write(`drill evidence: ${JSON.stringify(evidence, null, 2)}\n`);
    expect(statuses(evidence)).toEqual({
      "newest-within-rpo": "pass",
      "no-gap-over-rpo": "pass",
      "lifecycle-expires-old-dumps": "pass",
      "size-trend": "pass",
      "archive-decompresses": "pass",
      "archive-complete": "pass",
      "table-of-contents": "pass",
      "restore-drill": "pass",
      "rto-within-target": "pass",
    });
    expect(evidence.verdict).toBe("pass");
    expect(evidence.restore?.tables).toBe(TABLES);
    expect(evidence.restore?.rows["public.t24"]).toBe(240);
    expect(Object.values(evidence.restore?.rows ?? {}).reduce((a, b) => a + b, 0)).toBe(3000);
    expect(evidence.newest?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(evidence.newest?.dumpedBy).toMatch(/^\d+\./);
    expect(evidence.durationsMs.rto).toBeGreaterThan(0);
    expect(await fingerprint()).toBe(sourceFingerprint);
  });

  it("fails integrity for an upload cut short, naming the check and the fix", async () => {
    await regularDumps("cut-upload", 4);
    await upload("cut-upload", 0.5, archive.subarray(0, Math.floor(archive.length * 0.8)));
    const evidence = await verifyBackups({
      projectDir: projectFor("cut-upload"),
      stack: "production",
      env: envFor(),
    });
    expect(evidence.verdict).toBe("fail");
    expect(statuses(evidence)).toMatchObject({
      "archive-decompresses": "fail",
      "archive-complete": "skipped",
      "newest-within-rpo": "pass",
    });
    expect(evidence.checks.find((check) => check.id === "archive-decompresses")?.message).toContain(
      "unexpected end of file",
    );
  });

  it("fails integrity for a pg_dump that died half-way behind a gzip that closed cleanly", async () => {
    await regularDumps("died-dump", 4);
    const tar = gunzipSync(archive);
    await upload("died-dump", 0.5, gzipSync(tar.subarray(0, Math.floor(tar.length * 0.6))));
    const evidence = await verifyBackups({
      projectDir: projectFor("died-dump"),
      stack: "production",
      env: envFor(),
      restoreInto: await scratch(),
    });
    expect(statuses(evidence)).toMatchObject({
      "archive-decompresses": "pass",
      "archive-complete": "fail",
      "restore-drill": "fail",
    });
    expect(evidence.checks.find((check) => check.id === "archive-complete")?.fix).toContain(
      "pg_dump died half-way",
    );
  });

  it("flags a newest dump much smaller than the recent ones", async () => {
    await regularDumps("small", 4);
    const tiny = gzipSync(gunzipSync(archive).subarray(0, 1024));
    await upload("small", 0.5, tiny);
    const evidence = await verifyBackups({
      projectDir: projectFor("small"),
      stack: "production",
      env: envFor(),
    });
    expect(statuses(evidence)["size-trend"]).toBe("fail");
  });

  it("fails when two consecutive dumps are further apart than the RPO", async () => {
    for (const hoursAgo of [1, 7, 20, 26]) await upload("gap", hoursAgo);
    const evidence = await verifyBackups({
      projectDir: projectFor("gap"),
      stack: "production",
      env: envFor(),
    });
    expect(statuses(evidence)).toMatchObject({
      "no-gap-over-rpo": "fail",
      "newest-within-rpo": "pass",
      "archive-complete": "pass",
    });
    expect(evidence.checks.find((check) => check.id === "no-gap-over-rpo")?.message).toContain(
      "(13 h)",
    );
  });

  it("fails when a dump older than retention + 1 day remains", async () => {
    await regularDumps("stale", 4);
    const old = await upload("stale", 32 * 24);
    s3.setLastModified(BUCKET, old, new Date(Date.now() - 32 * 24 * HOUR));
    const evidence = await verifyBackups({
      projectDir: projectFor("stale"),
      stack: "production",
      env: envFor(),
    });
    expect(statuses(evidence)).toMatchObject({
      "lifecycle-expires-old-dumps": "fail",
      "no-gap-over-rpo": "pass",
    });
    expect(
      evidence.checks.find((check) => check.id === "lifecycle-expires-old-dumps")?.message,
    ).toContain(old);
  });

  it("fails on an empty bucket prefix", async () => {
    const evidence = await verifyBackups({
      projectDir: projectFor("empty"),
      stack: "production",
      env: envFor(),
    });
    expect(evidence.verdict).toBe("fail");
    expect(statuses(evidence)).toMatchObject({
      "newest-within-rpo": "fail",
      "archive-decompresses": "skipped",
    });
  });

  it("fails the RTO check when the restore takes longer than backups.rtoMinutes", async () => {
    await regularDumps("slow", 2);
    const project = projectFor("slow", (document) =>
      document.setIn(["config", "client-fulfillment-infra:backups", "rtoMinutes"], 0.00001),
    );
    const evidence = await verifyBackups({
      projectDir: project,
      stack: "production",
      env: envFor(),
      restoreInto: await scratch(),
    });
    expect(statuses(evidence)).toMatchObject({
      "restore-drill": "pass",
      "rto-within-target": "fail",
    });
  });

  describe("the command", () => {
    const cli = async (args: string[], extraEnv: Record<string, string>) => {
      try {
        const { stdout, stderr } = await run(
          process.execPath,
          ["--import", "tsx", path.join(ROOT, "scripts/backups-verify.ts"), ...args],
          { env: { ...process.env, NODE_NO_WARNINGS: "1", ...extraEnv }, cwd: ROOT },
        );
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failure = error as { code: number; stdout: string; stderr: string };
        return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
      }
    };

    it("exits 0 with --json evidence, and --record writes it next to the dumps", async () => {
      const [newest] = (await regularDumps("command", 1)) as [string];
      const project = projectFor("command");
      const result = await cli(
        [
          "--stack",
          "production",
          "--json",
          "--record",
          "--dir",
          project,
          "--restore-into",
          await scratch(),
        ],
        envFor(),
      );
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const evidence = JSON.parse(result.stdout) as Evidence;
      expect(evidence.recordedAs).toBe(`command/verify/${path.posix.basename(newest)}.json`);
      expect(result.stdout).not.toContain(S3_SECRET_ACCESS_KEY);
    }, 30_000);

    it("exits 1 naming the failed check", async () => {
      const result = await cli(
        ["--stack", "production", "--dir", projectFor("empty-command")],
        envFor(),
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toContain("✗ newest-within-rpo: No dump under");
      expect(result.stdout).toContain("fix: ");
    }, 30_000);

    it("exits 2 with a clear message and no trace for wrong credentials, never printing them", async () => {
      const wrong = "wrong-access-key-id";
      const result = await cli(["--stack", "production", "--dir", projectFor("credentials")], {
        ...envFor(),
        BACKUPS_R2_ACCESS_KEY_ID: wrong,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Listing bucket "client-fullfilment-backups" at');
      expect(result.stderr).toContain(
        "(InvalidAccessKeyId, HTTP 403): the credentials in BACKUPS_R2_ACCESS_KEY_ID / BACKUPS_R2_SECRET_ACCESS_KEY are wrong",
      );
      expect(result.stderr).not.toContain(wrong);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }, 30_000);

    it("exits 2 when the credentials are not set, and for usage errors", async () => {
      const unset = await cli(["--stack", "production", "--dir", projectFor("unset")], {
        BACKUPS_R2_ACCESS_KEY_ID: "",
        BACKUPS_R2_SECRET_ACCESS_KEY: "",
      });
      expect(unset.code).toBe(2);
      expect(unset.stderr).toContain(
        "BACKUPS_R2_ACCESS_KEY_ID and BACKUPS_R2_SECRET_ACCESS_KEY are not set",
      );
      const usage = await cli(["--stack"], {});
      expect(usage.code).toBe(2);
      expect((await cli(["--help"], {})).stdout).toContain(
        "Exit codes: 0 all checks pass; 1 a check failed",
      );
    }, 30_000);

    it("never restores into the source: a database with tables is refused (exit 2) and left as it was", async () => {
      await regularDumps("into-source", 1);
      const result = await cli(
        [
          "--stack",
          "production",
          "--dir",
          projectFor("into-source"),
          "--restore-into",
          pg.url("source"),
        ],
        envFor(),
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `already has ${TABLES} tables; the drill restores only into an empty database`,
      );
      expect(await fingerprint()).toBe(sourceFingerprint);
      const neon = await cli(
        [
          "--stack",
          "production",
          "--dir",
          projectFor("into-neon"),
          "--restore-into",
          "postgresql://u:p@ep-x.us-east-1.aws.neon.tech/neondb",
        ],
        envFor(),
      );
      expect(neon.code).toBe(2);
      expect(neon.stderr).toContain("points at Neon");
      expect(neon.stderr).not.toContain("u:p@");
    }, 30_000);
  });
});
