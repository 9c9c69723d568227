import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runPlan, type PlanDocument } from "../src/offline/plan";
import { committedConfig, parseFixture } from "../test-support/config-fixtures";

const ROOT = path.resolve(__dirname, "..");
const DAY = 86_400;

/**
 * What production must keep of the live setup it adopts: the Neon project and its PITR window,
 * the R2 bucket (its name, misspelling included, is the live one), 30 days of backups, a dump at
 * least every 6 hours, and pg_dump for a Postgres 17 server. The one test that pins these values:
 * every other test reads them from the stack file or builds its own.
 */
describe("production meets the app's requirements", () => {
  let plan: PlanDocument;
  beforeAll(async () => {
    plan = (await runPlan(ROOT, "production")).document;
  });

  it("in its stack file and in what the plan wires: the bucket and its 30-day lifecycle, and a PG 17 dump into it every 6 h", () => {
    const config = parseFixture(committedConfig("production"));
    expect(config).toMatchObject({
      environment: "production",
      neon: {
        plan: "free",
        orgId: "org-cold-waterfall-84590723",
        adoptProjectId: "spring-fog-49733273",
        regionId: "aws-us-east-1",
        pgVersion: 17,
        historyRetentionSeconds: 21_600,
        compute: { minCu: 0.25, maxCu: 0.25, activeHoursPerMonth: 400 },
      },
      database: { appUrlScheme: "postgresql+asyncpg" },
      backups: {
        accountId: "fa80d2f9a9e3a5f7971ca70c11cd0458",
        bucketName: "client-fullfilment-backups",
        adoptBucket: true,
        retentionDays: 30,
        schedule: "0 */6 * * *",
        rpoHours: 6,
      },
      railway: { backupJob: { pgVersion: 17 } },
    });
    // An adopted project keeps its own default branch: nothing guessed is sent.
    expect(config.neon.defaultBranch).toBeUndefined();

    const resource = (type: string) => plan.resources.find((candidate) => candidate.type === type);
    expect(resource("cloudflare:index/r2Bucket:R2Bucket")).toMatchObject({
      import: "fa80d2f9a9e3a5f7971ca70c11cd0458/client-fullfilment-backups/default",
      inputs: { name: "client-fullfilment-backups" },
    });
    expect(resource("cloudflare:index/r2BucketLifecycle:R2BucketLifecycle")?.inputs).toMatchObject({
      bucketName: "client-fullfilment-backups",
      rules: expect.arrayContaining([
        expect.objectContaining({
          deleteObjectsTransition: { condition: { type: "Age", maxAge: 30 * DAY } },
        }),
      ]),
    });
    expect(resource("neon:index/project:Project")?.inputs).toMatchObject({
      pgVersion: 17,
      historyRetentionSeconds: 21_600,
    });
    const job = plan.resources.find(
      (candidate) =>
        candidate.type === "pulumi-nodejs:dynamic/railway:ServiceConfig" &&
        candidate.inputs.role === "backupJob",
    );
    expect(job?.inputs).toMatchObject({
      variables: { PG_VERSION: "17", AWS_S3_BUCKET: "client-fullfilment-backups" },
      deploy: { cronSchedule: "0 */6 * * *" },
    });
    expect(
      plan.invariants.find((result) => result.rule === "backup-retention-matches-config")?.message,
    ).toBe("Backups expire after 30 days; incomplete uploads are aborted.");
  });
});
