import {
  notApplicable,
  undeclared,
  violationsVerdict,
  withoutBackups,
  type Rule,
} from "./rule-kit";
import type { Violation } from "./violation";

export const appDatabaseUrlHasNoQuery: Rule = {
  id: "app-database-url-has-no-query",
  description:
    "The app's DATABASE_URL has the expected scheme and no query string (asyncpg rejects sslmode).",
  evaluate({ outputs, expected }) {
    const { id } = appDatabaseUrlHasNoQuery;
    if (typeof outputs.appDatabaseUrl !== "string") return undeclared(id, "Output appDatabaseUrl");
    return violationsVerdict(
      id,
      appDatabaseUrlViolations(outputs.appDatabaseUrl, expected.appUrlScheme),
      `DATABASE_URL is ${expected.appUrlScheme}:// with no query string.`,
    );
  },
};

export const backupDatabaseUrlDirectAndSsl: Rule = {
  id: "backup-database-url-direct-and-ssl",
  description: "The backup job's URL uses the direct host and exactly ?sslmode=require.",
  evaluate(snapshot) {
    const { id } = backupDatabaseUrlDirectAndSsl;
    const noBackups = withoutBackups(snapshot);
    if (noBackups) return notApplicable(id, noBackups);
    const url = snapshot.outputs.backupDatabaseUrl;
    if (typeof url !== "string") return undeclared(id, "Output backupDatabaseUrl");
    return violationsVerdict(
      id,
      backupDatabaseUrlViolations(url),
      "BACKUP_DATABASE_URL uses the direct host with ?sslmode=require.",
    );
  },
};

/**
 * Schemes the app's engine accepts. The backend builds an asyncio engine with asyncpg and
 * passes `connect_args={"ssl": "require"}`, an asyncpg argument. SQLAlchemy names a dialect
 * and driver as `dialect+driver://` and spells asyncpg's `postgresql+asyncpg://`
 * (docs.sqlalchemy.org/en/20/dialects/postgresql.html#module-sqlalchemy.dialects.postgresql.asyncpg);
 * it dropped the `postgres://` alias in 1.4 ("Can't load plugin: sqlalchemy.dialects:postgres",
 * sqlalchemy/sqlalchemy#6083); plain `postgresql://` loads psycopg2, which is not an asyncio
 * driver, so create_async_engine refuses it (docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html);
 * and `postgresql+psycopg://` would hand `ssl` to libpq, which has no such option.
 */
export const APP_URL_SCHEMES = ["postgresql+asyncpg"] as const;
export type AppUrlScheme = (typeof APP_URL_SCHEMES)[number];

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * SQLAlchemy's asyncpg dialect passes URL query parameters to asyncpg.connect()
 * as keyword arguments, so `?sslmode=require` or `?channel_binding=require`
 * crash the app at its first connection; SSL is switched on in app code instead.
 */
export function appDatabaseUrlViolations(url: string, expectedScheme: string): Violation[] {
  const parsed = parseUrl(url);
  if (!parsed) {
    return [{ rule: appDatabaseUrlHasNoQuery.id, message: "DATABASE_URL is not a valid URL." }];
  }
  const violations: Violation[] = [];
  const scheme = parsed.protocol.replace(/:$/, "");
  if (!(APP_URL_SCHEMES as readonly string[]).includes(scheme)) {
    violations.push({
      rule: appDatabaseUrlHasNoQuery.id,
      message: `DATABASE_URL uses scheme "${scheme}", which the app's SQLAlchemy asyncio engine with asyncpg cannot load; use ${APP_URL_SCHEMES.map((s) => `"${s}"`).join(" or ")}.`,
    });
  } else if (scheme !== expectedScheme) {
    violations.push({
      rule: appDatabaseUrlHasNoQuery.id,
      message: `DATABASE_URL uses scheme "${scheme}" but the app expects "${expectedScheme}" (set database.appUrlScheme in the stack file to change it).`,
    });
  }
  for (const forbidden of ["sslmode", "channel_binding"]) {
    if (parsed.searchParams.has(forbidden)) {
      violations.push({
        rule: appDatabaseUrlHasNoQuery.id,
        message: `DATABASE_URL contains "${forbidden}"; asyncpg rejects it. Remove the query string: the app enables SSL in code.`,
      });
    }
  }
  const namedAlready = ["sslmode", "channel_binding"].filter((name) =>
    parsed.searchParams.has(name),
  );
  if (parsed.search !== "" && namedAlready.length === 0) {
    violations.push({
      rule: appDatabaseUrlHasNoQuery.id,
      message: `DATABASE_URL has a query string "${parsed.search}"; asyncpg receives every parameter as a connect() argument. Build the URL without one.`,
    });
  }
  return violations;
}

/**
 * pg_dump must reach the compute directly (Neon advises against dumping through
 * the pooler), and the backup template pastes the URL unquoted into a shell, so a
 * second `&param` would background the command: exactly `?sslmode=require`.
 */
export function backupDatabaseUrlViolations(url: string): Violation[] {
  const parsed = parseUrl(url);
  if (!parsed) {
    return [
      {
        rule: backupDatabaseUrlDirectAndSsl.id,
        message: "BACKUP_DATABASE_URL is not a valid URL.",
      },
    ];
  }
  const violations: Violation[] = [];
  const firstLabel = parsed.hostname.split(".")[0] ?? "";
  if (firstLabel.endsWith("-pooler")) {
    violations.push({
      rule: backupDatabaseUrlDirectAndSsl.id,
      message: `BACKUP_DATABASE_URL points at the pooler host "${parsed.hostname}"; pg_dump needs the direct host (drop "-pooler").`,
    });
  }
  if (parsed.search !== "?sslmode=require") {
    violations.push({
      rule: backupDatabaseUrlDirectAndSsl.id,
      message: `BACKUP_DATABASE_URL query is "${parsed.search}"; it must be exactly "?sslmode=require" (SSL on, and no "&" for the backup job's shell).`,
    });
  }
  return violations;
}
