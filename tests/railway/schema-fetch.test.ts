/**
 * `npm run railway:schema` without a token: the pinned file from railwayapp/cli, refused unless
 * its SHA-256 matches. Served here from localhost (the test has no network); the bytes are
 * ../shared/railway/schema.json, the same file at the same commit.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";
import { findRailwaySchema } from "../../src/railway/schema-location";

const ROOT = path.resolve(__dirname, "../..");
let server: Server;
let baseUrl: string;

/** Asynchronously: the server answering it runs in this process. */
function fetchSchema(
  url: string,
  out: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/fetch-railway-schema.ts", "--out", out],
      {
        cwd: ROOT,
        env: { ...process.env, RAILWAY_SCHEMA_SOURCE_URL: url, RAILWAY_API_TOKEN: "" },
        encoding: "utf8",
      },
      (error, stdout, stderr) =>
        resolve({
          status: error ? (typeof error.code === "number" ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

describeWithRailwaySchema("railway:schema without a token", () => {
  beforeAll(async () => {
    const bytes = readFileSync(findRailwaySchema(ROOT)!);
    server = createServer((request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(request.url === "/tampered" ? Buffer.concat([bytes, Buffer.from(" ")]) : bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("writes the pinned schema when its SHA-256 matches", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "schema-")), "schema.json");
    const result = await fetchSchema(`${baseUrl}/schema.json`, out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("SHA-256 checked");
    expect(readFileSync(out)).toEqual(readFileSync(findRailwaySchema(ROOT)!));
  });

  it("refuses a file whose SHA-256 differs, writing nothing", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "schema-")), "schema.json");
    const result = await fetchSchema(`${baseUrl}/tampered`, out);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/not the pinned 5e849390.*nothing was written/);
    expect(existsSync(out)).toBe(false);
  });
});
