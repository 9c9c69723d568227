/** The parts of a Postgres connection, as Neon reports them. */
export interface ConnectionParts {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly database: string;
}

function authority(parts: ConnectionParts): string {
  return `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}@${parts.host}`;
}

/**
 * The app's DATABASE_URL: the driver in the scheme and no query string at all,
 * because SQLAlchemy hands each query parameter to asyncpg.connect(), which
 * rejects `sslmode`; the app requires SSL through connect_args instead.
 */
export function appDatabaseUrl(scheme: string, parts: ConnectionParts): string {
  return `${scheme}://${authority(parts)}/${encodeURIComponent(parts.database)}`;
}

/**
 * The backup job's URL for libpq's pg_dump: the direct host (never the pooler)
 * and exactly one parameter, since the job pastes it unquoted into a shell.
 */
export function backupDatabaseUrl(parts: ConnectionParts): string {
  return `postgresql://${authority(parts)}/${encodeURIComponent(parts.database)}?sslmode=require`;
}
