import { existsSync } from "node:fs";
import * as path from "node:path";

/** Written by `npm run railway:schema` (git-ignored: Railway's schema is not ours to commit). */
export const FETCHED_SCHEMA_FILE = ".railway-schema.json";

/** Railway's published schema, checked out beside this repository in development and CI. */
export function railwaySchemaCandidates(repoRoot: string): string[] {
  return [
    path.resolve(repoRoot, "../shared/railway/schema.json"),
    path.resolve(repoRoot, FETCHED_SCHEMA_FILE),
  ];
}

export function findRailwaySchema(repoRoot: string): string | undefined {
  return railwaySchemaCandidates(repoRoot).find((candidate) => existsSync(candidate));
}
