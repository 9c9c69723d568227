import { describe, expect, it } from "vitest";
import { appDatabaseUrl, backupDatabaseUrl } from "../../src/components/connection-strings";
import { appDatabaseUrlViolations, backupDatabaseUrlViolations } from "../../src/invariants/database-url";

const parts = { user: "neondb_owner", password: "p@ss/w:rd#?&=", host: "ep-x-123.us-east-1.aws.neon.tech", database: "neondb" };

describe("connection strings", () => {
  it("encodes the password so no character of it can become a query string or a host", () => {
    const url = appDatabaseUrl("postgresql+asyncpg", parts);
    expect(url).toBe("postgresql+asyncpg://neondb_owner:p%40ss%2Fw%3Ard%23%3F%26%3D@ep-x-123.us-east-1.aws.neon.tech/neondb");
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe(parts.password);
    expect(parsed.hostname).toBe(parts.host);
    expect(appDatabaseUrlViolations(url, "postgresql+asyncpg")).toEqual([]);
  });

  it("gives pg_dump the direct host with exactly ?sslmode=require", () => {
    const url = backupDatabaseUrl(parts);
    expect(url.endsWith("/neondb?sslmode=require")).toBe(true);
    expect(backupDatabaseUrlViolations(url)).toEqual([]);
  });
});
