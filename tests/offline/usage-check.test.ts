/**
 * `npm run railway:usage` end to end: the script, as the drift workflow runs it, against the
 * Railway simulator answering `estimatedUsage` for the workspace of production's project.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import type { UsageReport } from "../../src/offline/usage-check";
import {
  describeWithRailwaySchema,
  seedProject,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

const ROOT = path.resolve(__dirname, "../..");
/** A 30-day month in minutes: one GB or vCPU in use all month. */
const MONTH = 43_200;

async function usageScript(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  // Asynchronous: the simulator answers from this process, which a synchronous spawn would block.
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/railway-usage.ts", ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describeWithRailwaySchema("railway:usage against the simulator", () => {
  let harness: Harness;
  let app: string;
  let backups: string;
  const env = () => ({
    RAILWAY_API_TOKEN: harness.sim.token,
    RAILWAY_API_ENDPOINT: harness.sim.url,
  });

  beforeAll(async () => {
    harness = await startHarness();
    app = (await seedProject(harness, "client-fulfillment-v2")).projectId;
    backups = (await seedProject(harness, "client-fulfillment-backups")).projectId;
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.sim.state.estimatedUsage.clear());

  it("over the budgets of both stacks ($60 + $10): exit 1, naming the largest measurement", async () => {
    harness.sim.state.estimatedUsage.set(app, {
      MEMORY_USAGE_GB: 7 * MONTH,
      CPU_USAGE: MONTH / 10,
      NETWORK_TX_GB: 4,
    });
    harness.sim.state.estimatedUsage.set(backups, { MEMORY_USAGE_GB: MONTH / 2 });
    const result = await usageScript(["--stack", "production"], env());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "Budget $70.00: production budget.monthlyUsd $60.00 + staging budget.monthlyUsd $10.00",
    );
    // 7.5 GB × $10 + 0.1 vCPU × $20 + 4 GB × $0.05, above Hobby's $5 included: the bill is the usage.
    expect(result.stdout).toContain(
      "Usage $77.20; bill $77.20 (hobby: the $5.00 subscription includes $5.00 of usage).",
    );
    expect(result.stdout).toContain(
      "By project: client-fulfillment-v2 $72.20; client-fulfillment-backups $5.00.",
    );
    expect(result.stdout).toContain(
      "Over budget by $7.20. The largest is memory (MEMORY_USAGE_GB): $75.00, 324000 GB-minutes (7.5 GB in use on average).",
    );
  });

  it("within budget: exit 0, and --json carries the figures", async () => {
    harness.sim.state.estimatedUsage.set(app, {
      MEMORY_USAGE_GB: 4 * MONTH,
      DISK_USAGE_GB: MONTH / 10,
    });
    const result = await usageScript(["--stack", "production", "--json"], env());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as UsageReport;
    expect(report).toMatchObject({
      readOnly: true,
      workspaceId: harness.sim.workspaceId,
      budgetUsd: 70,
      overBudget: false,
      exitCode: 0,
    });
    expect(report.cost.byMeasurement[0]).toMatchObject({ measurement: "MEMORY_USAGE_GB", usd: 40 });
    expect(report.cost.billUsd).toBeCloseTo(40.015, 10);
  });

  it("counts a deleted project's usage: it stays on the bill", async () => {
    const deleted = (await seedProject(harness, "an-old-project")).projectId;
    harness.sim.state.projects.get(deleted)!.deletedAt = new Date().toISOString();
    harness.sim.state.estimatedUsage.set(deleted, { CPU_USAGE: 4 * MONTH });
    const result = await usageScript(["--stack", "production"], env());
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`deleted project ${deleted} $80.00`);
    expect(result.stdout).toContain("The largest is CPU (CPU_USAGE): $80.00");
    harness.sim.state.projects.delete(deleted);
  });

  it("without a token: exit 2, the fix on stderr and nothing on stdout", async () => {
    const result = await usageScript(["--stack", "production"], {
      RAILWAY_API_ENDPOINT: harness.sim.url,
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("No Railway API token: export RAILWAY_API_TOKEN=<token>");
  });

  it("for staging: exit 2, pointing at production, whose workspace bills both", async () => {
    const result = await usageScript(["--stack", "staging"], env());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("run with --stack production");
  });

  it("a project the token cannot see: exit 2, naming railway.projectName", async () => {
    const project = harness.sim.state.projects.get(app)!;
    project.name = "renamed-in-the-dashboard";
    try {
      const result = await usageScript(["--stack", "production"], env());
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'Railway project "client-fulfillment-v2" (railway.projectName) is not among the projects this token can see',
      );
    } finally {
      project.name = "client-fulfillment-v2";
    }
  });
});
