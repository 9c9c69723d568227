import { findPostgresServer, POSTGRES_MISSING } from "./postgres-cluster";

/** vitest global setup: the backup tests skip without PostgreSQL, and say so once, up front. */
export default function announceMissingPostgres(): void {
  if (!findPostgresServer())
    process.stderr.write(`Backup verification tests ${POSTGRES_MISSING}.\n`);
}
