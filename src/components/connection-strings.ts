/** The parts of a Postgres connection, as Neon reports them. */
export interface ConnectionParts {
  readonly user: string;
  readonly password: string;
  readonly host: string;
  readonly database: string;
}

/**
 * Raised at apply time when Neon reports a connection part as "": the provider's
 * `getBranchRolePassword` drops API errors and answers "" (kislerdm/terraform-provider-neon
 * v0.13.0 `data_source_branch_role_password.go`), a project that stores no passwords has none,
 * and the project's own outputs are "" when its default branch has no database or compute.
 * A URL without a password must never reach the app or the backup job.
 */
export class EmptyConnectionPartError extends Error {
  constructor(source: string, parts: readonly (keyof ConnectionParts)[]) {
    super(
      `${source} reported an empty ${parts.join(", ")}, so no connection string can be built. ` +
        (parts.includes("password")
          ? "Neon returns no password when the API key cannot read the role's password or the project does not store passwords: " +
            "check that neon:apiKey belongs to the project's organization and that the project stores passwords (Neon Console, project settings), " +
            "then run `pulumi refresh` and `pulumi up` again."
          : "Check the project in the Neon Console (its default branch needs a database, an owner role and a read-write compute), then run `pulumi refresh`."),
    );
    this.name = "EmptyConnectionPartError";
  }
}

/** The parts unchanged, or EmptyConnectionPartError naming `source` when one of them is "". */
export function requireConnectionParts(source: string, parts: ConnectionParts): ConnectionParts {
  const empty = (["user", "password", "host", "database"] as const).filter(
    (key) => typeof parts[key] !== "string" || parts[key] === "",
  );
  if (empty.length) throw new EmptyConnectionPartError(source, empty);
  return parts;
}

function authority(parts: ConnectionParts): string {
  return `${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}@${parts.host}`;
}

/**
 * The app's DATABASE_URL: the driver in the scheme and no query string at all,
 * because SQLAlchemy hands each query parameter to asyncpg.connect(), which
 * rejects `sslmode`; the app requires SSL through connect_args instead.
 */
export function appDatabaseUrl(scheme: string, parts: ConnectionParts, source = "Neon"): string {
  const checked = requireConnectionParts(source, parts);
  return `${scheme}://${authority(checked)}/${encodeURIComponent(checked.database)}`;
}

/**
 * The backup job's URL for libpq's pg_dump: the direct host (never the pooler)
 * and exactly one parameter, since the job pastes it unquoted into a shell.
 */
export function backupDatabaseUrl(parts: ConnectionParts, source = "Neon"): string {
  const checked = requireConnectionParts(source, parts);
  return `postgresql://${authority(checked)}/${encodeURIComponent(checked.database)}?sslmode=require`;
}
