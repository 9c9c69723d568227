import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The drill could not reach or use its scratch database: the operator's to fix, exit 2. */
export class RestoreTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreTargetError";
  }
}

/** What a message may show of a Postgres URL: host, port and database, never the user or password. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}/${decodeURIComponent(parsed.pathname.slice(1)) || "(default database)"}`;
  } catch {
    return "(unparseable URL)";
  }
}

/**
 * libpq reads the connection from PG* variables, so the password never sits in a process's
 * arguments (visible to every user through /proc) nor in an error message that echoes them.
 */
export function libpqEnvironment(url: string): Record<string, string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RestoreTargetError(
      "--restore-into is not a URL; give postgresql://user:password@host:port/scratch_database.",
    );
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new RestoreTargetError(
      `--restore-into must be a postgresql:// URL, not ${parsed.protocol}//.`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!database)
    throw new RestoreTargetError(
      "--restore-into names no database; name a scratch database (…/restore_drill).",
    );
  const env: Record<string, string> = {
    PGHOST: parsed.hostname,
    PGPORT: parsed.port || "5432",
    PGDATABASE: database,
    PGCONNECT_TIMEOUT: "10",
  };
  if (parsed.username) env.PGUSER = decodeURIComponent(parsed.username);
  if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
  const sslmode = parsed.searchParams.get("sslmode");
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

/**
 * Neon bills transfer and compute for a restore and holds the source: the drill restores into a
 * scratch server of its own (a CI service container), never Neon.
 */
export function refuseNeonTarget(url: string): void {
  const host = (() => {
    try {
      return new URL(url).hostname;
    } catch {
      return "";
    }
  })();
  if (/(^|\.)neon\.tech$/i.test(host)) {
    throw new RestoreTargetError(
      `--restore-into points at Neon (${describeTarget(url)}); the drill restores into a scratch database of its own (e.g. a local postgres:17), never the source or its project.`,
    );
  }
}

export interface PgTools {
  readonly psql: string;
  readonly pgRestore: string;
}

function childEnv(url: string): NodeJS.ProcessEnv {
  const { PGPASSWORD: _password, PGSERVICE: _service, ...rest } = process.env;
  return { ...rest, ...libpqEnvironment(url) };
}

async function psql(tools: PgTools, url: string, sql: string): Promise<string> {
  try {
    const { stdout } = await run(
      tools.psql,
      [
        "--no-psqlrc",
        "--tuples-only",
        "--no-align",
        "--field-separator=\t",
        "--set=ON_ERROR_STOP=1",
        "--command",
        sql,
      ],
      {
        env: childEnv(url),
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "").trim();
    throw new RestoreTargetError(
      `Cannot query the scratch database ${describeTarget(url)}: ${stderr || (error as Error).message}`,
    );
  }
}

const USER_TABLES =
  "FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND schemaname NOT LIKE 'pg_toast%'";

/** A scratch database holds no table: one that does may be someone's data, and the restore would mix with it. */
export async function assertEmptyTarget(tools: PgTools, url: string): Promise<void> {
  const count = Number((await psql(tools, url, `SELECT count(*) ${USER_TABLES}`)).trim());
  if (count > 0) {
    throw new RestoreTargetError(
      `The scratch database ${describeTarget(url)} already has ${count} table${count === 1 ? "" : "s"}; the drill restores only into an empty database (create one: CREATE DATABASE restore_drill).`,
    );
  }
}

export interface RestoreOutcome {
  /** pg_restore's complaints; empty when it restored cleanly. */
  readonly errors: string;
  readonly ok: boolean;
}

/** Restores the tar archive in one transaction, stopping at the first error; owners and grants are the source's roles, absent here. */
export async function restoreArchive(
  tools: PgTools,
  url: string,
  tarFile: string,
): Promise<RestoreOutcome> {
  try {
    const { PGDATABASE: database = "" } = libpqEnvironment(url);
    await run(
      tools.pgRestore,
      [
        `--dbname=${database}`,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        tarFile,
      ],
      {
        env: childEnv(url),
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return { errors: "", ok: true };
  } catch (error) {
    return {
      errors: String((error as { stderr?: string }).stderr ?? (error as Error).message).trim(),
      ok: false,
    };
  }
}

/** Rows per table of the restored database, `schema.table` → count. */
export async function countRows(tools: PgTools, url: string): Promise<Record<string, number>> {
  const out = await psql(
    tools,
    url,
    "SELECT format('%I.%I', schemaname, tablename), " +
      "(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', schemaname, tablename), false, true, '')))[1]::text " +
      `${USER_TABLES} ORDER BY 1`,
  );
  return Object.fromEntries(
    out
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [table = "", rows = "0"] = line.split("\t");
        return [table, Number(rows)];
      }),
  );
}
