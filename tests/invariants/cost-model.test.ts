import { describe, expect, it } from "vitest";
import { backupLifecycleRules } from "../../src/components/backup-bucket";
import {
  averageRunsPerMonth,
  estimateMonthlyCost,
  monthlyCostWithinBudget,
} from "../../src/invariants/cost-model";
import { allSourcedNumbers, RAILWAY_PLANS } from "../../src/invariants/cost-prices";
import type { StackSnapshot } from "../../src/invariants/rule-kit";

type Resource = StackSnapshot["resources"][number];

const serviceConfig = (role: string, inputs: Record<string, unknown> = {}): Resource => ({
  type: "pulumi-nodejs:dynamic/railway:ServiceConfig",
  name: `app-${role}-config`,
  protect: false,
  inputs: { role, serviceId: `${role}-id`, deploy: {}, ...inputs },
});
const railwayProject: Resource = {
  type: "pulumi-nodejs:dynamic/railway:Project",
  name: "app-project",
  protect: true,
  inputs: {},
};

function snapshot(
  resources: Resource[],
  expected: Partial<StackSnapshot["expected"]> = {},
): StackSnapshot {
  return {
    stack: "production",
    resources,
    outputs: {},
    expected: { appUrlScheme: "postgresql+asyncpg", budgetMonthlyUsd: 60, ...expected },
  };
}

const lineOf = (estimate: ReturnType<typeof estimateMonthlyCost>, item: string) =>
  estimate.lines.find((line) => line.item === item);

describe("prices", () => {
  it("each number has an https source and the ISO date it was read", () => {
    const numbers = allSourcedNumbers();
    expect(numbers.length).toBeGreaterThan(15);
    for (const { name, sourced } of numbers) {
      expect(sourced.source, name).toMatch(/^https:\/\/\S+$/);
      expect(sourced.readOn, name).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(sourced.readOn)), name).toBe(false);
      expect(sourced.unit, name).not.toBe("");
    }
  });

  it("are Railway's published ones (pricing/plans.md)", () => {
    expect(RAILWAY_PLANS.hobby.usage.memoryGBMonth.value).toBe(10);
    expect(RAILWAY_PLANS.hobby.usage.vCPUMonth.value).toBe(20);
    expect(RAILWAY_PLANS.hobby.includedUsage.value).toBe(5);
    expect(RAILWAY_PLANS.pro.subscription.value).toBe(20);
  });
});

describe("averageRunsPerMonth", () => {
  it("counts a cron's runs over a common year", () => {
    expect(averageRunsPerMonth("0 */6 * * *")).toBeCloseTo((365 * 4) / 12, 6);
    expect(averageRunsPerMonth("0 5 * * 1")).toBeCloseTo(52 / 12, 6);
    // Both day fields restricted: either matches (Vixie cron); in 2027 three 1sts are Mondays.
    expect(averageRunsPerMonth("0 0 1 * 1")).toBeCloseTo((12 + 52 - 3) / 12, 6);
  });
});

describe("estimateMonthlyCost", () => {
  it("bills a service for its usage over the hours it runs, and its worst case at its limits", () => {
    const estimate = estimateMonthlyCost(
      snapshot([railwayProject, serviceConfig("backend", { limits: { memoryGB: 1, vCPUs: 1 } })], {
        usage: { backend: { memoryGB: 0.5, vCPU: 0.1, egressGBPerMonth: 10 } },
      }),
    );
    // 0.5 GB × $10 + 0.1 vCPU × $20 + 10 GB × $0.05
    expect(lineOf(estimate, "backend")?.expectedUsd).toBeCloseTo(7.5, 6);
    // 1 GB × $10 + 1 vCPU × $20 + the same egress
    expect(lineOf(estimate, "backend")?.worstUsd).toBeCloseTo(30.5, 6);
  });

  it("takes a service without limits to the plan's per-service maximum in the worst case, and says so", () => {
    const line = lineOf(
      estimateMonthlyCost(snapshot([railwayProject, serviceConfig("frontend")])),
      "frontend",
    );
    expect(line?.worstUsd).toBeCloseTo(48 * 10 + 48 * 20 + 5 * 0.05, 6);
    expect(line?.worstBasis).toContain("no RAM/CPU limit: the hobby plan's per-service maximum");
  });

  it("estimates Crawl4AI at its memory limit unless the stack file says otherwise", () => {
    const crawler = serviceConfig("crawl4ai", { limits: { memoryGB: 4 } });
    expect(
      lineOf(estimateMonthlyCost(snapshot([railwayProject, crawler])), "crawl4ai")?.quantities
        .memoryGB,
    ).toBe(4);
    expect(
      lineOf(
        estimateMonthlyCost(
          snapshot([railwayProject, crawler], { usage: { crawl4ai: { memoryGB: 1 } } }),
        ),
        "crawl4ai",
      )?.quantities.memoryGB,
    ).toBe(1);
  });

  it("counts a sleeping service's awake hours only, and every hour in the worst case", () => {
    const sleeper = serviceConfig("backend", {
      deploy: { sleepApplication: true },
      limits: { memoryGB: 1, vCPUs: 1 },
    });
    const line = lineOf(
      estimateMonthlyCost(
        snapshot([railwayProject, sleeper], {
          usage: { backend: { memoryGB: 1, vCPU: 1, egressGBPerMonth: 0, awakeHoursPerMonth: 73 } },
        }),
      ),
      "backend",
    );
    expect(line?.expectedUsd).toBeCloseTo(3, 6);
    expect(line?.worstUsd).toBeCloseTo(30, 6);
    expect(
      lineOf(estimateMonthlyCost(snapshot([railwayProject, sleeper])), "backend")?.quantities.hours,
    ).toBe(120);
  });

  it("bills the backup job for its runs, and its uploads as egress", () => {
    const job = serviceConfig("backupJob", { deploy: { cronSchedule: "0 */6 * * *" } });
    const line = lineOf(
      estimateMonthlyCost(
        snapshot([railwayProject, job], {
          expectedDumpMB: 1024,
          usage: { backupJob: { runMinutes: 3 } },
        }),
      ),
      "backupJob",
    );
    const runs = (365 * 4) / 12;
    expect(line?.quantities.hours).toBeCloseTo((runs * 3) / 60, 6);
    expect(line?.quantities.egressGB).toBeCloseTo(runs, 6);
  });

  it("applies the Hobby subscription's included usage in the stack that declares the project, and not in staging", () => {
    const small = [serviceConfig("redis", { limits: { memoryGB: 0.1, vCPUs: 0.1 } })];
    const owner = estimateMonthlyCost(snapshot([railwayProject, ...small]));
    expect(owner.railway).toMatchObject({ subscriptionUsd: 5, includedUsageUsd: 5 });
    expect(owner.expectedUsd).toBe(5);
    const guest = estimateMonthlyCost({ ...snapshot(small), stack: "staging" });
    expect(guest.railway).toMatchObject({ subscriptionUsd: 0, includedUsageUsd: 0 });
    expect(guest.expectedUsd).toBeCloseTo(guest.railway.usageExpectedUsd, 9);
    expect(guest.assumptions.join(" ")).toContain("another stack's project");
  });

  it("prices R2 from the dump size times the dumps the lifecycle keeps, after the free tier", () => {
    const bucket: Resource = {
      type: "cloudflare:index/r2Bucket:R2Bucket",
      name: "backups-bucket",
      protect: true,
      inputs: {},
    };
    const lifecycle: Resource = {
      type: "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle",
      name: "backups-lifecycle",
      protect: false,
      inputs: { rules: backupLifecycleRules(30) },
    };
    const job = serviceConfig("backupJob", { deploy: { cronSchedule: "0 */6 * * *" } });
    const line = lineOf(
      estimateMonthlyCost(
        snapshot([bucket, lifecycle, job], { expectedDumpMB: 512, neonPlan: "free" }),
      ),
      "R2 backups",
    );
    expect(line?.quantities.dumpsKept).toBeCloseTo(120, 6);
    // 120 × 0.5 GB = 60 GB, 50 above the free 10 GB, at $0.015.
    expect(line?.expectedUsd).toBeCloseTo(0.75, 6);
    expect(
      lineOf(
        estimateMonthlyCost(
          snapshot([bucket, lifecycle, job], { expectedDumpMB: 20, neonPlan: "free" }),
        ),
        "R2 backups",
      )?.expectedUsd,
    ).toBe(0);
  });

  it("takes Neon's CU-hours from the CU-hour rule's worst case, at $0 on Free", () => {
    const project: Resource = {
      type: "neon:index/project:Project",
      name: "database-project",
      protect: true,
      inputs: {
        defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 0.5 },
      },
    };
    const line = lineOf(
      estimateMonthlyCost(snapshot([project], { neonPlan: "free", neonActiveHoursPerMonth: 120 })),
      "Neon",
    );
    expect(line).toMatchObject({
      expectedUsd: 0,
      worstUsd: 0,
      quantities: { cuHours: 30, worstCuHours: 60 },
    });
  });
});

describe("monthly-cost-within-budget", () => {
  const crawler = (memoryGB: number) => serviceConfig("crawl4ai", { limits: { memoryGB } });

  it("passes within the budget, with the worst case beside it", () => {
    expect(monthlyCostWithinBudget.evaluate(snapshot([railwayProject, crawler(4)]))).toMatchObject({
      status: "pass",
      message: expect.stringMatching(
        /^Expected \$41\.\d\d a month of a \$60\.00 budget \(worst case \$\d+\.\d\d with every service at its limit\)\.$/,
      ),
    });
  });

  it("fails over the budget, naming the largest services and the worst case", () => {
    const result = monthlyCostWithinBudget.evaluate(
      snapshot([
        railwayProject,
        crawler(8),
        serviceConfig("redis", { limits: { memoryGB: 0.1, vCPUs: 0.1 } }),
      ]),
    );
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(
      /^production is expected to cost \$81\.\d\d a month, over budget\.monthlyUsd \$60\.00 \(worst case \$\d+\.\d\d with every service at its limit\)\. Largest: crawl4ai \$81\.\d\d \(8 GB/,
    );
  });

  it("fails when the expected usage is above the service's limit", () => {
    const result = monthlyCostWithinBudget.evaluate(
      snapshot([railwayProject, crawler(4)], { usage: { crawl4ai: { memoryGB: 6 } } }),
    );
    expect(result).toMatchObject({ status: "fail" });
    expect(result.message).toContain(
      "crawl4ai is expected to use 6 GB of RAM, above its 4 GB limit",
    );
  });

  it("fails, without throwing, on a cron schedule it cannot count", () => {
    const job = serviceConfig("backupJob", { deploy: { cronSchedule: "@hourly" } });
    expect(monthlyCostWithinBudget.evaluate(snapshot([railwayProject, job]))).toMatchObject({
      status: "fail",
      message: expect.stringContaining(
        'backupJob\'s cron schedule "@hourly" is not a five-field cron expression',
      ),
    });
  });

  it("is undecided without a budget", () => {
    expect(
      monthlyCostWithinBudget.evaluate(snapshot([railwayProject], { budgetMonthlyUsd: undefined }))
        .status,
    ).toBe("undecided");
  });
});
