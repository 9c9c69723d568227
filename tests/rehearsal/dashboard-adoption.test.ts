/**
 * Scenario (e): the first `up` adopts a production made by hand in Railway's dashboard
 * (test-support/railway-simulator/dashboard-production.ts). The check says what to correct and
 * sends nothing; the corrected first `up` rotates no secret, creates no service and deploys
 * nothing; a second `up` sends nothing and a refresh records no change.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { AdoptionReport } from "../../src/offline/adoption-check";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";
import type { DashboardAdoptionResult } from "../../test-support/rehearsal/dashboard-adoption";
import type { DashboardProductionOptions } from "../../test-support/railway-simulator/dashboard-production";

const finding = (report: AdoptionReport, resource: string) => {
  const found = report.findings.find((candidate) => candidate.resource === resource);
  if (!found) throw new Error(`no finding for ${resource}`);
  return found;
};

describeWithRailwaySchema("adopting the dashboard-made production", () => {
  let result: DashboardAdoptionResult;
  beforeAll(async () => {
    const { rehearseDashboardAdoption } =
      await import("../../test-support/rehearsal/dashboard-adoption.js");
    result = await rehearseDashboardAdoption();
  }, 240_000);

  it("the check finds every live object under its dashboard name, and sends no mutation", () => {
    expect(result.checkMutations).toBe(0);
    expect(finding(result.check, 'railway:Service "app-redis-service"')).toMatchObject({
      status: "unchanged",
      found: { name: "Redis" },
    });
    expect(
      result.check.findings.filter((f) => f.status === "create" || f.status === "blocked"),
    ).toEqual([]);
  });

  it("the check lists what up would change and what it would leave wrong", async () => {
    const { backendVariablesTheStackDeclares } =
      await import("../../test-support/rehearsal/dashboard-adoption.js");
    const { DASHBOARD_HAND_SET_VARIABLES } =
      await import("../../test-support/railway-simulator/dashboard-production.js");
    const redis = finding(result.check, 'railway:ServiceConfig "app-redis-config"');
    expect(redis.changes).toEqual(
      expect.arrayContaining([
        { key: "source.image", kind: "set", from: "redis:8.2.1", to: "redis:8.2" },
        expect.objectContaining({ key: expect.stringMatching(/^tcpProxy\./), kind: "remove" }),
      ]),
    );
    expect(redis.kept).toEqual(["REDIS_PASSWORD"]);
    expect(finding(result.check, 'railway:ServiceConfig "app-crawl4ai-config"').kept).toEqual([
      "CRAWL4AI_API_TOKEN",
    ]);
    const declared = new Set(backendVariablesTheStackDeclares());
    const unmanaged = Object.keys(DASHBOARD_HAND_SET_VARIABLES.backend ?? {})
      .filter((name) => !declared.has(name))
      .sort();
    expect(unmanaged.length).toBeGreaterThan(0);
    expect(finding(result.check, 'railway:ServiceConfig "app-backend-config"').leftWrong).toEqual([
      expect.stringContaining(unmanaged.join(", ")),
    ]);
    expect(finding(result.check, 'railway:ServiceConfig "app-frontend-config"').leftWrong).toEqual([
      expect.stringContaining("railway.json"),
    ]);
    // The dashboard's workspace has no usage limit yet: up sets the budget's.
    expect(finding(result.check, 'railway:UsageLimit "usage-limit"')).toMatchObject({
      status: "change",
      changes: [
        expect.objectContaining({ key: "softLimitDollars", from: null }),
        expect.objectContaining({ key: "hardLimitDollars", from: null }),
      ],
    });
    expect(result.check.exitCode).toBe(1);
    expect(result.corrections).toEqual(["railway.redis.image: redis:8.2.1"]);
  });

  it("the corrected first up rotates no secret, creates no service, deploys nothing and closes Redis's TCP proxy", () => {
    const { firstUp, seed } = result;
    expect(firstUp.secretsRotated).toEqual([]);
    expect(firstUp.servicesCreated).toBe(0);
    expect(firstUp.measurement.deploys).toBe(0);
    expect(firstUp.measurement.mutationsByName.TcpProxyDelete).toBe(1);
    expect(firstUp.up.steps.every((step) => step.kind === "create")).toBe(true);
    expect(seed.redisTcpProxyId).not.toBeNull();
  });

  it("a second up sends nothing, and a refresh records no change", () => {
    expect(result.secondUp.measurement.mutations).toBe(0);
    expect(result.secondUp.measurement.deploys).toBe(0);
    expect(result.refresh).toEqual([]);
  });
});

describeWithRailwaySchema("the check on live states it was not built against", () => {
  async function checkOf(options: DashboardProductionOptions) {
    const { startRailwayTarget } = await import("../../test-support/rehearsal/target.js");
    const { seedDashboardProduction } =
      await import("../../test-support/railway-simulator/dashboard-production.js");
    const { checkAdoption } = await import("../../test-support/rehearsal/dashboard-adoption.js");
    const target = await startRailwayTarget();
    try {
      seedDashboardProduction(target.sim, options);
      return await checkAdoption(target);
    } finally {
      await target.close();
    }
  }
  const blockers = (report: AdoptionReport) => report.findings.flatMap((f) => f.blockers);

  describe.each([
    [
      "a near-miss service name",
      { serviceNames: { backend: "Backend" } },
      /no service named "backend", but "Backend" exists: set client-fulfillment-infra:railway\.backend\.name/,
    ],
    [
      "another near miss",
      { serviceNames: { crawl4ai: "crawl4ai-api" } },
      /but "crawl4ai-api" exists/,
    ],
    ["a pending staged edit", { pendingStagedEdit: true }, /staged change\(s\) nobody applied/],
    [
      "a second project of the same name",
      { duplicateProject: true },
      /2 projects named "client-fulfillment-v2"/,
    ],
  ] as const)("%s", (_case, options, message) => {
    it("blocks with the fix, exits 2 and sends no mutation", async () => {
      const { report, mutations } = await checkOf(options as DashboardProductionOptions);
      expect(mutations).toBe(0);
      expect(report.exitCode).toBe(2);
      expect(blockers(report)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    });
  });

  it("names other hand-set variables, on the service that has them", async () => {
    const { report, mutations } = await checkOf({
      handSetVariables: { crawl4ai: { BROWSER_POOL: "3" }, frontend: { NEXT_PUBLIC_FLAG: "1" } },
    });
    expect(mutations).toBe(0);
    expect(finding(report, 'railway:ServiceConfig "app-crawl4ai-config"').leftWrong).toEqual([
      expect.stringContaining("BROWSER_POOL"),
    ]);
    expect(finding(report, 'railway:ServiceConfig "app-frontend-config"').leftWrong).toEqual(
      expect.arrayContaining([expect.stringContaining("NEXT_PUBLIC_FLAG")]),
    );
    expect(finding(report, 'railway:ServiceConfig "app-backend-config"').leftWrong).toEqual([]);
  });
});
