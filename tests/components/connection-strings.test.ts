import { describe, expect, it } from "vitest";
import {
  appDatabaseUrl,
  backupDatabaseUrl,
  EmptyConnectionPartError,
  requireConnectionParts,
} from "../../src/components/connection-strings";
import {
  appDatabaseUrlViolations,
  backupDatabaseUrlViolations,
} from "../../src/invariants/database-url";

const parts = {
  user: "neondb_owner",
  password: "p@ss/w:rd#?&=",
  host: "ep-x-123.us-east-1.aws.neon.tech",
  database: "neondb",
};

describe("connection strings", () => {
  it("encodes the password so no character of it can become a query string or a host", () => {
    const url = appDatabaseUrl("postgresql+asyncpg", parts);
    expect(url).toBe(
      "postgresql+asyncpg://neondb_owner:p%40ss%2Fw%3Ard%23%3F%26%3D@ep-x-123.us-east-1.aws.neon.tech/neondb",
    );
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

describe("an empty connection part", () => {
  it.each([
    ["password", { ...parts, password: "" }],
    ["host", { ...parts, host: "" }],
  ] as const)(
    "fails with the source and the fix instead of building a URL without a %s",
    (part, broken) => {
      const source = 'Neon project "client-fulfillment" (database-project)';
      const expected = `${source} reported an empty ${part}, so no connection string can be built.`;
      expect(() => appDatabaseUrl("postgresql+asyncpg", broken, source)).toThrow(expected);
      expect(() => backupDatabaseUrl(broken, source)).toThrow(expected);
      expect(() => requireConnectionParts(source, broken)).toThrow(EmptyConnectionPartError);
    },
  );

  it("tells how to get a password back", () => {
    expect(() => requireConnectionParts("Neon project p", { ...parts, password: "" })).toThrow(
      "Neon returns no password when the API key cannot read the role's password or the project does not store passwords: " +
        "check that neon:apiKey belongs to the project's organization and that the project stores passwords (Neon Console, project settings), " +
        "then run `pulumi refresh` and `pulumi up` again.",
    );
  });
});
