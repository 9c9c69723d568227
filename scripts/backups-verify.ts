/**
 * `npm run -s backups:verify -- --stack production [--json] [--restore-into <url>] [--record] [--dir <folder>]`:
 * lists the backup job's dumps in R2 and checks them (fresh, no gap over the RPO, nothing past
 * retention, no truncated newest), reads the newest archive whole, and with --restore-into restores
 * it into a scratch database and measures the RTO. Credentials come from the environment only
 * (BACKUPS_R2_ACCESS_KEY_ID, BACKUPS_R2_SECRET_ACCESS_KEY) and are never printed.
 * Exit codes: 0 every check passes; 1 a check failed (each named, with its fix); 2 usage,
 * credentials, stack file or connection problems; 3 a bug in this program (with its trace).
 */
// First: what it defers must not be loaded by the imports below.
import "../src/offline/defer-sdk-modules.cjs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import {
  BucketAccessError,
  ACCESS_KEY_VARIABLE,
  ENDPOINT_VARIABLE,
  SECRET_KEY_VARIABLE,
} from "../src/backups/bucket";
import { RestoreTargetError } from "../src/backups/restore";
import { PG_BIN_VARIABLE, renderEvidence, verifyBackups } from "../src/backups/verify";
import { UsageError } from "./cli";
import { EXIT, REPOSITORY_DIR, rendered, runCommand } from "./command";

const USAGE =
  `usage: ${ACCESS_KEY_VARIABLE}=… ${SECRET_KEY_VARIABLE}=… npm run -s backups:verify -- --stack production [--json] [--restore-into <postgres url>] [--record] [--dir <folder>]\n` +
  "Checks the backup dumps in the stack's R2 bucket: the newest within the RPO, no gap over it, none past retention, sizes;\n" +
  "reads the newest archive whole (gunzip, tar, pg_restore --list); --restore-into restores it into an EMPTY scratch database\n" +
  "(never Neon) and measures download + restore against backups.rtoMinutes; --record writes the evidence JSON next to the\n" +
  "dumps (needs a token that may write). Credentials: the stack's read-only token (outputs backupsReaderAccessKeyId,\n" +
  `backupsReaderSecretAccessKey). ${ENDPOINT_VARIABLE} overrides the R2 endpoint; ${PG_BIN_VARIABLE} names the PostgreSQL client's bin folder.\n` +
  "Exit codes: 0 all checks pass; 1 a check failed (the fix is printed); 2 usage, credentials or connection problems; 3 a bug.";

const OPTIONS = {
  stack: { type: "string" },
  json: { type: "boolean" },
  dir: { type: "string" },
  "restore-into": { type: "string" },
  record: { type: "boolean" },
  help: { type: "boolean" },
} as const;

function parse(args: string[]) {
  try {
    const { values } = parseArgs({ args, options: OPTIONS });
    const help = values.help === true;
    if (!help && !values.stack) throw new UsageError("--stack is required.");
    return {
      help,
      stack: values.stack ?? "",
      json: values.json === true,
      dir: values.dir,
      restoreInto: values["restore-into"],
      record: values.record === true,
    };
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

runCommand({
  usage: USAGE,
  parse,
  userErrors: [BucketAccessError, RestoreTargetError],
  async run(options) {
    const evidence = await verifyBackups({
      projectDir: path.resolve(options.dir ?? REPOSITORY_DIR),
      stack: options.stack,
      env: process.env,
      restoreInto: options.restoreInto,
      record: options.record,
    });
    return {
      code: evidence.verdict === "pass" ? EXIT.ok : EXIT.finding,
      stdout: rendered(evidence, options.json, renderEvidence),
    };
  },
});
