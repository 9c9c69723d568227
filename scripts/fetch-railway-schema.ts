/**
 * Pulls Railway's GraphQL schema from the live endpoint by introspection into a
 * git-ignored file, for clones without ../shared/railway/schema.json. The
 * operations test validates against whichever of the two exists.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { RAILWAY_ENDPOINT } from "../src/railway/client";
import { resolveToken } from "../src/railway/credentials";
import { FETCHED_SCHEMA_FILE } from "../src/railway/schema-location";

async function main(): Promise<void> {
  const { token, source } = resolveToken(undefined, process.env);
  const response = await fetch(process.env.RAILWAY_API_URL ?? RAILWAY_ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: getIntrospectionQuery(), operationName: "IntrospectionQuery" }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await response.json()) as { data?: IntrospectionQuery; errors?: { message: string }[] };
  if (!response.ok || body.errors?.length || !body.data) {
    throw new Error(
      `Introspection failed (HTTP ${response.status}, token from ${source}): ${body.errors?.map((e) => e.message).join("; ") ?? "no data"}`,
    );
  }
  buildClientSchema(body.data);
  const file = path.resolve(__dirname, "..", FETCHED_SCHEMA_FILE);
  writeFileSync(file, `${JSON.stringify({ data: body.data })}\n`);
  console.log(`Wrote Railway's schema to ${FETCHED_SCHEMA_FILE}; \`npm test\` now validates every operation against it.`);
}

main().catch((error: unknown) => {
  const { message, cause } = error as Error;
  console.error(`railway:schema: ${message}${cause ? ` (${String(cause)})` : ""}`);
  process.exitCode = 1;
});
