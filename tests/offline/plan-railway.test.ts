import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildPlan, renderPlanText } from "../../src/offline/plan";
import { planCommand } from "../../scripts/plan-command";
import { setConfig, stackDirWith } from "../../test-support/plan-script";

const ROOT = path.resolve(__dirname, "../..");

const RAILWAY_KEY = "client-fulfillment-infra:railway";

/** `npm run -s plan -- <args>`, run in this process (tests/offline/plan.test.ts runs the script itself). */
const inProcessPlan = (args: string[]) => planCommand(args, ROOT);

/** The stack file with one more plain variable for the backend (`railway.backend.variables`), beside any it has. */
function stackWithBackendExtra(stack: string, name: string, value: string): string {
  return stackDirWith(stack, setConfig([RAILWAY_KEY, "backend", "variables", name], value));
}

describe("the plan of a stack file whose extra variables break a Railway rule exits 1", () => {
  it("ENVIRONMENT forced to development on the backend", async () => {
    const dir = stackWithBackendExtra("staging", "ENVIRONMENT", "development");
    const result = await inProcessPlan(["--stack", "staging", "--dir", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("invariant violated: service-environment-matches-stack:");
    expect(result.stderr).toContain('"development" turns database SSL off');
  });

  it("a misspelled reference", async () => {
    const dir = stackWithBackendExtra("production", "REDIS_URL", "${{Redis.REDIS_ULR}}");
    const result = await inProcessPlan(["--stack", "production", "--dir", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'invariant violated: railway-references-resolve: Service "backend": REDIS_URL\'s reference ${{Redis.REDIS_ULR}} names REDIS_ULR',
    );
  });

  it("PORT set on the backend", async () => {
    const dir = stackWithBackendExtra("production", "PORT", "8000");
    const result = await inProcessPlan(["--stack", "production", "--dir", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'invariant violated: web-services-leave-port-to-railway: Service "backend" sets PORT',
    );
  });

  it("a DATABASE_URL with sslmode, moved into a plain variable", async () => {
    const dir = stackWithBackendExtra(
      "production",
      "DATABASE_URL",
      "postgresql+asyncpg://u:p@h/db?sslmode=require",
    );
    const result = await inProcessPlan(["--stack", "production", "--dir", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("invariant violated: service-database-url-has-no-query:");
    expect(result.stderr).toContain('contains "sslmode"');
  });
});

describe("the plan of a stack file whose backup job is miswired exits 1", () => {
  it("a pg_dump older than the Neon server", async () => {
    const dir = stackDirWith("production", setConfig([RAILWAY_KEY, "backupJob", "pgVersion"], 16));
    const result = await inProcessPlan(["--stack", "production", "--dir", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'invariant violated: backup-client-matches-server: Service "postgres-s3-backups" builds pg_dump 16, older than the Neon server\'s 17',
    );
  });

  it("backups sent to a bucket without the retention lifecycle", async () => {
    const dir = stackDirWith(
      "production",
      setConfig([RAILWAY_KEY, "backupJob", "variables", "AWS_S3_BUCKET"], "another-bucket"),
    );
    const result = await inProcessPlan(["--stack", "production", "--dir", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'invariant violated: backup-job-writes-retained-bucket: Service "postgres-s3-backups" uploads to bucket "another-bucket"',
    );
  });
});

describe("the plan's Railway section", () => {
  it("lists the wiring: which service gets which variable from where, secrets as [secret]", async () => {
    const plan = await buildPlan(ROOT, "production");
    const backend = plan.wiring.find((service) => service.service === "backend");
    const names = backend?.variables.map((variable) => variable.name) ?? [];
    expect(names).toEqual([...names].sort());
    expect(backend?.variables).toEqual(
      expect.arrayContaining([
        {
          name: "CRAWL4AI_API_TOKEN",
          value: "${{crawl4ai.CRAWL4AI_API_TOKEN}}",
          secret: false,
          source: "reference to crawl4ai",
        },
        {
          name: "CRAWL4AI_URL",
          value: "http://${{crawl4ai.RAILWAY_PRIVATE_DOMAIN}}:${{crawl4ai.PORT}}",
          secret: false,
          source: "reference to crawl4ai",
        },
        {
          name: "DATABASE_URL",
          value: "[secret]",
          secret: true,
          source: "stack output appDatabaseUrl",
        },
        {
          name: "ENVIRONMENT",
          value: "production",
          secret: false,
          source: "stack output environment",
        },
        {
          name: "REDIS_URL",
          value: "${{Redis.REDIS_URL}}",
          secret: false,
          source: "reference to Redis",
        },
      ]),
    );
    const job = plan.wiring.find((service) => service.service === "postgres-s3-backups");
    expect(job?.variables.find((variable) => variable.name === "AWS_SECRET_ACCESS_KEY")).toEqual({
      name: "AWS_SECRET_ACCESS_KEY",
      value: "[secret]",
      secret: true,
      source: "stack output backupSecretAccessKey",
    });
    const redis = plan.wiring.find((service) => service.service === "Redis");
    expect(redis?.variables.find((variable) => variable.name === "REDIS_PASSWORD")?.source).toBe(
      "generated password (app-redis-password)",
    );

    const text = renderPlanText(plan);
    expect(text).toContain("      DATABASE_URL = [secret]  ← stack output appDatabaseUrl");
    expect(text).not.toContain("computed-app-redis-password-value");
    expect(JSON.stringify(plan)).not.toContain("computed-password");
  });
});
