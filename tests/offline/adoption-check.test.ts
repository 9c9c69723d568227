/**
 * The adoption check (`npm run -s railway:check`) against the Railway simulator: a live production
 * made by one rehearsed `up`, then edited out of band as a human would. Every case counts the
 * mutations the proxy saw: the check must send none.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdoptionReport } from "../../src/offline/adoption-check";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";
import type { RailwayTarget } from "../../test-support/rehearsal/target";

let target: RailwayTarget;
let serviceIds: Record<string, string>;
let environmentId: string;

async function check(stack: "production" | "staging" = "production"): Promise<AdoptionReport> {
  const { runAdoptionCheck } = await import("../../src/offline/adoption-check.js");
  const { PROJECT_DIR } = await import("../../test-support/rehearsal/engine.js");
  target.startWindow();
  const report = await runAdoptionCheck({
    projectDir: PROJECT_DIR,
    stack,
    env: { RAILWAY_API_TOKEN: target.sim.token, RAILWAY_API_ENDPOINT: target.proxy.url },
  });
  expect(target.measure().mutations, "the check sent a mutation").toBe(0);
  expect(target.measure().requests).toBeGreaterThan(0);
  return report;
}

const configOf = (report: AdoptionReport, role: string) => {
  const finding = report.findings.find(
    (f) => f.resource === `railway:ServiceConfig "app-${role}-config"`,
  );
  if (!finding)
    throw new Error(`no finding for ${role}: ${report.findings.map((f) => f.resource).join(", ")}`);
  return finding;
};

describeWithRailwaySchema("railway:check", () => {
  beforeAll(async () => {
    const { startRailwayTarget } = await import("../../test-support/rehearsal/target.js");
    const { rehearseUp, PROJECT_DIR } = await import("../../test-support/rehearsal/engine.js");
    const { stackInput } = await import("../../test-support/rehearsal/scenarios.js");
    target = await startRailwayTarget();
    const up = await rehearseUp({
      stack: "production",
      projectDir: PROJECT_DIR,
      ...stackInput(PROJECT_DIR, "production", target),
    });
    serviceIds = up.outputs.railwayServiceIds as Record<string, string>;
    environmentId = [...target.sim.state.environments.values()].find(
      (env) => env.name === "production" && env.projectId === up.outputs.railwayProjectId,
    )!.id;
  }, 120_000);
  afterAll(() => target?.close());

  it("finds every resource of a production that equals the stack, changes nothing, and exits 0", async () => {
    const report = await check();
    expect(report.findings.length).toBeGreaterThan(10);
    expect(
      report.findings
        .filter((f) => f.status !== "unchanged")
        .map((f) => `${f.resource}: ${f.status} ${JSON.stringify(f.changes)}`),
    ).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(configOf(report, "backend").unknown).toContain("variables.DATABASE_URL");
  });

  it("lists a changed setting and variable by key, says it deploys, and exits 1", async () => {
    target.sim.state.updateServiceInstance(environmentId, serviceIds.backend!, {
      healthcheckPath: "/other",
    });
    const project = [...target.sim.state.projects.values()].find(
      (p) => p.name === "client-fulfillment-v2",
    )!;
    target.sim.state.setVariable(
      project.id,
      environmentId,
      serviceIds.backend!,
      "ENVIRONMENT",
      "development",
    );
    const report = await check();
    const backend = configOf(report, "backend");
    expect(backend).toMatchObject({ status: "change", deploys: true });
    expect(backend.changes).toEqual(
      expect.arrayContaining([
        { key: "deploy.healthcheckPath", kind: "set", from: "/other", to: "/health" },
        { key: "variables.ENVIRONMENT", kind: "change", from: "development", to: "production" },
      ]),
    );
    expect(report.exitCode).toBe(1);
    target.sim.state.updateServiceInstance(environmentId, serviceIds.backend!, {
      healthcheckPath: "/health",
    });
    target.sim.state.setVariable(
      project.id,
      environmentId,
      serviceIds.backend!,
      "ENVIRONMENT",
      "production",
    );
  });

  it("names hand-set variables the stack does not manage, without their values", async () => {
    const project = [...target.sim.state.projects.values()].find(
      (p) => p.name === "client-fulfillment-v2",
    )!;
    target.sim.state.setVariable(
      project.id,
      environmentId,
      serviceIds.frontend!,
      "HAND_SET_TOKEN",
      "s3cr3t-value",
    );
    const report = await check();
    expect(configOf(report, "frontend").leftWrong).toEqual([
      expect.stringContaining("HAND_SET_TOKEN"),
    ]);
    expect(JSON.stringify(report)).not.toContain("s3cr3t-value");
    target.sim.state.deleteVariable(
      project.id,
      environmentId,
      serviceIds.frontend!,
      "HAND_SET_TOKEN",
    );
  });

  it("names a missing branch trigger and a public domain on a private service", async () => {
    const triggers = [...target.sim.state.deploymentTriggers.entries()].filter(
      ([, trigger]) => trigger.serviceId === serviceIds.backend,
    );
    for (const [id] of triggers) target.sim.state.deploymentTriggers.delete(id);
    const backendDomain = [...target.sim.state.serviceDomains.values()].find(
      (domain) => domain.serviceId === serviceIds.backend,
    )!;
    target.sim.state.serviceDomains.set("dom-redis", {
      ...backendDomain,
      id: "dom-redis",
      serviceId: serviceIds.redis!,
      domain: "redis-public.up.railway.app",
    });
    const report = await check();
    expect(configOf(report, "backend").leftWrong).toEqual([
      expect.stringMatching(
        /no branch trigger for client-fulfillment\/client-fulfillment-v2@main.*GitHub app/,
      ),
    ]);
    expect(configOf(report, "redis").leftWrong).toEqual([
      expect.stringContaining("public domain redis-public.up.railway.app on a private service"),
    ]);
    expect(configOf(report, "frontend").leftWrong).toEqual([]);
    for (const [id, trigger] of triggers) target.sim.state.deploymentTriggers.set(id, trigger);
    target.sim.state.serviceDomains.delete("dom-redis");
  });

  it("is blocked by staged dashboard edits nobody applied, and exits 2", async () => {
    target.sim.staged.stage(environmentId, {
      services: { [serviceIds.crawl4ai!]: { variables: { X: { value: "1" } } } },
    });
    const report = await check();
    expect(report.exitCode).toBe(2);
    expect(
      report.findings.filter((f) => f.status === "blocked").flatMap((f) => f.blockers),
    ).toEqual(
      expect.arrayContaining([expect.stringContaining("1 staged change(s) nobody applied")]),
    );
    target.sim.staged.stage(environmentId, {}, false);
  });

  it("is blocked by a second project of the same name", async () => {
    const project = [...target.sim.state.projects.values()].find(
      (p) => p.name === "client-fulfillment-v2",
    )!;
    target.sim.state.projects.set("prj-twin", { ...project, id: "prj-twin" });
    try {
      const report = await check();
      expect(report.exitCode).toBe(2);
      expect(report.findings[0]).toMatchObject({
        kind: "project",
        status: "blocked",
        blockers: [expect.stringContaining('2 projects named "client-fulfillment-v2"')],
      });
    } finally {
      target.sim.state.projects.delete("prj-twin");
    }
  });

  it("reads staging's services through production's live ids, and reports staging's environment as created", async () => {
    const report = await check("staging");
    expect(report.findings.find((f) => f.kind === "environment")).toMatchObject({
      status: "create",
    });
    expect(
      report.findings
        .filter((f) => f.kind === "service-config")
        .every((f) => f.status === "create" && f.deploys),
    ).toBe(true);
    expect(report.exitCode).toBe(1);
  });
});

describe("railway:check on the command line", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/railway-check.ts", ...args], {
      cwd: path.resolve(__dirname, "../.."),
      env: { PATH: process.env.PATH, ...env },
      encoding: "utf8",
    });

  it("without a token exits 2 with the fix on stderr and nothing on stdout", () => {
    const result = run(["--stack", "production", "--json"], {});
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("No Railway API token: export RAILWAY_API_TOKEN=<token>");
  });

  it("refuses an unsupported stack with exit 2 and the usage", () => {
    const result = run(["--stack", "dev"], { RAILWAY_API_TOKEN: "x" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /stack "dev" is not supported[\s\S]*usage: RAILWAY_API_TOKEN=<token> npm run -s railway:check/,
    );
  });
});
