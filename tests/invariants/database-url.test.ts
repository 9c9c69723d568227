import { describe, expect, it } from "vitest";
import {
  appDatabaseUrlViolations,
  backupDatabaseUrlViolations,
} from "../../src/invariants/database-url";

const HOST = "ep-cool-darkness-123456.us-east-1.aws.neon.tech";

describe("appDatabaseUrlViolations", () => {
  it("accepts an asyncpg URL without a query string", () => {
    expect(
      appDatabaseUrlViolations(
        `postgresql+asyncpg://neondb_owner:p%40ss@${HOST}/neondb`,
        "postgresql+asyncpg",
      ),
    ).toEqual([]);
  });

  it("rejects sslmode, naming asyncpg and the fix", () => {
    const [violation, ...rest] = appDatabaseUrlViolations(
      `postgresql+asyncpg://u:secretpw@${HOST}/neondb?sslmode=require`,
      "postgresql+asyncpg",
    );
    expect(rest).toEqual([]);
    expect(violation?.rule).toBe("app-database-url-has-no-query");
    expect(violation?.message).toContain('contains "sslmode"');
    expect(violation?.message).toContain("asyncpg rejects it");
    expect(violation?.message).not.toContain("secretpw");
  });

  it("rejects channel_binding and any other query parameter", () => {
    expect(
      appDatabaseUrlViolations(
        `postgresql+asyncpg://u:p@${HOST}/db?channel_binding=require`,
        "postgresql+asyncpg",
      )[0]?.message,
    ).toContain('"channel_binding"');
    expect(
      appDatabaseUrlViolations(
        `postgresql+asyncpg://u:p@${HOST}/db?application_name=x`,
        "postgresql+asyncpg",
      )[0]?.message,
    ).toContain("has a query string");
  });

  it("reports a wrong scheme and a query string together", () => {
    expect(
      appDatabaseUrlViolations(
        `postgres://u:p@${HOST}/db?application_name=x`,
        "postgresql+asyncpg",
      ).map((v) => v.message),
    ).toEqual([
      'DATABASE_URL uses scheme "postgres", which the app\'s SQLAlchemy asyncio engine with asyncpg cannot load; use "postgresql+asyncpg".',
      'DATABASE_URL has a query string "?application_name=x"; asyncpg receives every parameter as a connect() argument. Build the URL without one.',
    ]);
  });

  it.each([
    "postgres",
    "postgresql",
    "postgresql+psycopg",
    "postgresql+psycopg2",
    "postgres+asyncpg",
  ])(
    "rejects %s, which SQLAlchemy's asyncio engine with asyncpg cannot use, whatever the config expects",
    (scheme) => {
      expect(appDatabaseUrlViolations(`${scheme}://u:p@${HOST}/db`, scheme)).toEqual([
        {
          rule: "app-database-url-has-no-query",
          message: `DATABASE_URL uses scheme "${scheme}", which the app's SQLAlchemy asyncio engine with asyncpg cannot load; use "postgresql+asyncpg".`,
        },
      ]);
    },
  );

  it("rejects an accepted scheme that differs from the configured one", () => {
    expect(
      appDatabaseUrlViolations(`postgresql+asyncpg://u:p@${HOST}/db`, "postgresql+other"),
    ).toEqual([
      {
        rule: "app-database-url-has-no-query",
        message:
          'DATABASE_URL uses scheme "postgresql+asyncpg" but the app expects "postgresql+other" (set database.appUrlScheme in the stack file to change it).',
      },
    ]);
  });

  it("rejects text that is not a URL", () => {
    expect(appDatabaseUrlViolations("not a url", "postgresql+asyncpg")).toEqual([
      { rule: "app-database-url-has-no-query", message: "DATABASE_URL is not a valid URL." },
    ]);
  });
});

describe("backupDatabaseUrlViolations", () => {
  it("accepts the direct host with exactly ?sslmode=require", () => {
    expect(backupDatabaseUrlViolations(`postgresql://u:p@${HOST}/neondb?sslmode=require`)).toEqual(
      [],
    );
  });

  it("rejects the pooler host", () => {
    const pooled = HOST.replace("123456", "123456-pooler");
    expect(
      backupDatabaseUrlViolations(`postgresql://u:p@${pooled}/neondb?sslmode=require`)[0]?.message,
    ).toContain("pooler host");
  });

  it("rejects a missing sslmode and a second parameter", () => {
    expect(backupDatabaseUrlViolations(`postgresql://u:p@${HOST}/neondb`)[0]?.message).toContain(
      'exactly "?sslmode=require"',
    );
    expect(
      backupDatabaseUrlViolations(
        `postgresql://u:p@${HOST}/neondb?sslmode=require&channel_binding=require`,
      ),
    ).toEqual([
      {
        rule: "backup-database-url-direct-and-ssl",
        message:
          'BACKUP_DATABASE_URL query is "?sslmode=require&channel_binding=require"; it must be exactly "?sslmode=require" (SSL on, and no "&" for the backup job\'s shell).',
      },
    ]);
  });
});
