import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Set by .ci/run: the PostgreSQL tests must run, never skip. */
export const POSTGRES_REQUIRED_VARIABLE = "BACKUPS_POSTGRES_REQUIRED";
export const POSTGRES_MISSING =
  "skip: no PostgreSQL server binaries (initdb, pg_ctl, postgres) under /usr/lib/postgresql/*/bin or $PG_SERVER_BIN; install Debian's postgresql to run them";

/** The newest Debian cluster binaries, or $PG_SERVER_BIN. */
export function findPostgresServer(): string | undefined {
  const candidates = process.env.PG_SERVER_BIN
    ? [process.env.PG_SERVER_BIN]
    : existsSync("/usr/lib/postgresql")
      ? readdirSync("/usr/lib/postgresql")
          .filter((name) => /^\d+$/.test(name))
          .sort((a, b) => Number(b) - Number(a))
          .map((major) => `/usr/lib/postgresql/${major}/bin`)
      : [];
  return candidates.find((bin) =>
    ["initdb", "pg_ctl", "postgres", "pg_dump", "psql", "pg_restore"].every((tool) =>
      existsSync(path.join(bin, tool)),
    ),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** initdb and postgres refuse to run as root: as root, the cluster runs as the `postgres` user Debian's package creates, or `nobody`. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const [uid, gid] = ["-u", "-g"].map((flag) =>
        Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim()),
      );
      return { uid: uid as number, gid: gid as number };
    } catch {
      continue;
    }
  }
  throw new Error(
    "running as root with neither a postgres nor a nobody user to run the test cluster as",
  );
}

export interface PostgresCluster {
  readonly bin: string;
  /** postgresql://…@127.0.0.1:<port>/<database> of the superuser `drill` (trust auth, loopback only). */
  url(database: string): string;
  psql(database: string, sql: string): Promise<string>;
  stop(): Promise<void>;
}

/** A throwaway cluster in a temp folder on a free loopback port, trust auth. */
export async function startPostgres(bin: string): Promise<PostgresCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), "pg-cluster-"));
  const data = path.join(dir, "data");
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const asServer = (tool: string, args: string[]) =>
    run(path.join(bin, tool), args, { uid: user?.uid, gid: user?.gid, cwd: dir });
  await asServer("initdb", [
    "--pgdata",
    data,
    "--username",
    "drill",
    "--auth",
    "trust",
    "--encoding",
    "UTF8",
    "--no-sync",
  ]);
  const port = await freePort();
  await asServer("pg_ctl", [
    "start",
    "--pgdata",
    data,
    "--wait",
    "--log",
    path.join(dir, "server.log"),
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
  ]);
  const url = (database: string) => `postgresql://drill@127.0.0.1:${port}/${database}`;
  return {
    bin,
    url,
    async psql(database, sql) {
      const { stdout } = await run(path.join(bin, "psql"), [
        "--no-psqlrc",
        "--tuples-only",
        "--no-align",
        "--set=ON_ERROR_STOP=1",
        "--dbname",
        url(database),
        "--command",
        sql,
      ]);
      return stdout.trim();
    },
    async stop() {
      await asServer("pg_ctl", ["stop", "--pgdata", data, "--mode", "immediate", "--wait"]).catch(
        () => undefined,
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
