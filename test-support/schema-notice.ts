import * as path from "node:path";
import { findRailwaySchema } from "../src/railway/schema-location";
import { RAILWAY_SCHEMA_MISSING } from "./railway-harness";

/**
 * vitest global setup: the tests that need Railway's schema skip without it, and the default
 * reporter does not print why, so the run says it once, up front.
 */
export default function announceMissingSchema(): void {
  if (!findRailwaySchema(path.resolve(__dirname, "..")))
    process.stderr.write(`Railway simulator and schema tests ${RAILWAY_SCHEMA_MISSING}.\n`);
}
