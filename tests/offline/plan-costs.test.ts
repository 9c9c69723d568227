import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { APP_ROLES } from "../../src/config";
import { buildPlan, renderPlanText, type PlanDocument } from "../../src/offline/plan";
import { planCommand } from "../../scripts/plan-command";
import { setConfig, stackDirWith } from "../../test-support/plan-script";

const ROOT = path.resolve(__dirname, "../..");
const RAILWAY_KEY = "client-fulfillment-infra:railway";
/** `npm run -s plan -- <args>`, run in this process (tests/offline/plan.test.ts runs the script itself). */
const inProcessPlan = (args: string[]) => planCommand(args, ROOT);

const costRule = (plan: Pick<PlanDocument, "invariants">) =>
  plan.invariants.find((rule) => rule.rule === "monthly-cost-within-budget");

describe("the plan's cost estimate", () => {
  it("is in both stacks' plans, per service, with the Hobby subscription on production only", async () => {
    const production = await buildPlan(ROOT, "production");
    const staging = await buildPlan(ROOT, "staging");
    expect(production.costs.lines.map((line) => line.item)).toEqual([
      ...APP_ROLES,
      "backupJob",
      "R2 backups",
      "Neon",
    ]);
    expect(staging.costs.lines.map((line) => line.item)).toEqual([...APP_ROLES, "Neon"]);
    expect(production.costs.railway).toMatchObject({ subscriptionUsd: 5, includedUsageUsd: 5 });
    expect(staging.costs.railway).toMatchObject({ subscriptionUsd: 0, includedUsageUsd: 0 });
    for (const plan of [production, staging]) {
      expect(costRule(plan)?.status).toBe("pass");
      expect(plan.costs.worstUsd).toBeGreaterThan(plan.costs.expectedUsd);
    }
    const text = renderPlanText(production);
    expect(text).toMatch(
      /Monthly cost \(estimate; assumptions below\):\n {2}item +expected\/month +worst case +basis\n {2}redis +\$\d+\.\d\d +\$\d+\.\d\d +0\.03 GB/,
    );
    expect(text).toMatch(/\n {2}Total +\$\d+\.\d\d +\$\d+\.\d\d\n/);
  });

  it("is carried by --json", async () => {
    const result = await inProcessPlan(["--stack", "staging", "--json"]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as PlanDocument;
    expect(document.costs.lines.find((line) => line.item === "crawl4ai")).toMatchObject({
      quantities: { memoryGB: 2, memoryLimitGB: 2, hours: 120 },
    });
  });

  it("fails the budget rule for Crawl4AI at 8 GB, naming the service", async () => {
    const dir = stackDirWith("production", setConfig([RAILWAY_KEY, "crawl4ai", "memoryGB"], 8));
    const result = await inProcessPlan(["--stack", "production", "--json", "--dir", dir]);
    expect(result.code).toBe(1);
    const rule = costRule(JSON.parse(result.stdout) as PlanDocument);
    expect(rule?.status).toBe("fail");
    expect(rule?.message).toMatch(
      /^production is expected to cost \$\d+\.\d\d a month, over budget\.monthlyUsd \$60\.00 \(worst case \$\d+\.\d\d with every service at its limit\)\. Largest: crawl4ai \$81\.\d\d \(8 GB/,
    );
    expect(result.stderr).toContain("invariant violated: monthly-cost-within-budget: ");
  });

  it("holds Crawl4AI at 8 GB once its measured usage is written down", async () => {
    const dir = stackDirWith(
      "production",
      setConfig([RAILWAY_KEY, "crawl4ai", "memoryGB"], 8),
      setConfig([RAILWAY_KEY, "crawl4ai", "usage"], { memoryGB: 1.5 }),
    );
    const plan = await buildPlan(dir, "production");
    expect(costRule(plan)?.status).toBe("pass");
  });
});
