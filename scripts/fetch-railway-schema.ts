/**
 * Puts Railway's GraphQL schema in the git-ignored `.railway-schema.json`, for clones without
 * ../shared/railway/schema.json (GitHub's runners, say); the operations test validates against
 * whichever exists.
 *
 *   npm run railway:schema                    the file Railway's CLI publishes, at a pinned commit,
 *                                             checked against its SHA-256 (no token needed)
 *   npm run railway:schema -- --introspect    the live endpoint, by introspection (needs
 *                                             RAILWAY_API_TOKEN): how to refresh the pin
 *
 * `--out <file>` writes elsewhere; RAILWAY_SCHEMA_SOURCE_URL replaces the pinned URL (tests serve
 * the file locally). Exit 1 with the reason on any failure; nothing is written then.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { RAILWAY_ENDPOINT } from "../src/railway/client";
import { resolveToken } from "../src/railway/credentials";
import { FETCHED_SCHEMA_FILE } from "../src/railway/schema-location";

/** railwayapp/cli's `src/gql/schema.json` at the commit the provider was written against (MIT). */
export const PINNED_SCHEMA = {
  commit: "df3838bf117cfa332d0ea28e9d26405639a98b2b",
  url: "https://raw.githubusercontent.com/railwayapp/cli/df3838bf117cfa332d0ea28e9d26405639a98b2b/src/gql/schema.json",
  sha256: "5e849390d4d43a2d7222d2f490005b853142b8158875d657efa1d8c37dbd0815",
} as const;

async function pinned(): Promise<string> {
  const url = process.env.RAILWAY_SCHEMA_SOURCE_URL || PINNED_SCHEMA.url;
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (digest !== PINNED_SCHEMA.sha256) {
    throw new Error(
      `${url} has SHA-256 ${digest}, not the pinned ${PINNED_SCHEMA.sha256} (railwayapp/cli@${PINNED_SCHEMA.commit}); nothing was written. ` +
        "To move to a newer schema, refresh it with `--introspect` and update PINNED_SCHEMA in scripts/fetch-railway-schema.ts.",
    );
  }
  return bytes.toString("utf8");
}

async function introspected(): Promise<string> {
  const { token, source } = resolveToken(undefined, process.env);
  const response = await fetch(process.env.RAILWAY_API_URL ?? RAILWAY_ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: getIntrospectionQuery(), operationName: "IntrospectionQuery" }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as {
    data?: IntrospectionQuery;
    errors?: { message: string }[];
  };
  if (!response.ok || body.errors?.length || !body.data) {
    throw new Error(
      `Introspection failed (HTTP ${response.status}, token from ${source}): ${body.errors?.map((e) => e.message).join("; ") ?? "no data"}`,
    );
  }
  return `${JSON.stringify({ data: body.data })}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { introspect: { type: "boolean" }, out: { type: "string" } },
  });
  const text = values.introspect ? await introspected() : await pinned();
  buildClientSchema((JSON.parse(text) as { data: IntrospectionQuery }).data);
  const file = path.resolve(values.out ?? path.resolve(__dirname, "..", FETCHED_SCHEMA_FILE));
  writeFileSync(file, text);
  const origin = values.introspect
    ? "the live endpoint (introspection)"
    : `railwayapp/cli@${PINNED_SCHEMA.commit.slice(0, 8)}, SHA-256 checked`;
  console.log(
    `Wrote Railway's schema from ${origin} to ${path.relative(process.cwd(), file) || file}; \`npm test\` now validates every operation against it.`,
  );
}

main().catch((error: unknown) => {
  const { message, cause } = error as Error;
  console.error(`railway:schema: ${message}${cause ? ` (${String(cause)})` : ""}`);
  process.exitCode = 1;
});
