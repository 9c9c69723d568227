import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { StackConfigError } from "../../src/config";
import { buildPlan, planVerdict, renderPlanText } from "../../src/offline/plan";
import { readStackFile, SECURE_STAND_IN } from "../../src/stack-file";
import { planCommand } from "../../scripts/plan-command";
import {
  planScript,
  setConfig,
  stackDirHolding,
  stackDirWith,
} from "../../test-support/plan-script";

const ROOT = path.resolve(__dirname, "../..");

type PlanJson = {
  stack: string;
  resources: { type: string }[];
  invariants: { rule: string; status: string; message: string }[];
};

describe("buildPlan", () => {
  it("describes the production stack: resources, parents, adoption, protection, outputs, rules", async () => {
    const plan = await buildPlan(ROOT, "production");
    expect(plan.stack).toBe("production");
    expect(plan.note).toContain("not a diff against live infrastructure");
    const byName = Object.fromEntries(plan.resources.map((resource) => [resource.name, resource]));
    expect(byName["database-project"]).toMatchObject({
      parent: "database",
      import: "spring-fog-49733273",
      protect: true,
    });
    expect(byName["backups-lifecycle"]).toMatchObject({
      parent: "backups",
      import: null,
      protect: false,
    });
    expect(byName.database).toMatchObject({
      type: "client-fulfillment:database:NeonDatabase",
      parent: null,
    });
    expect(plan.outputs.appDatabaseUrl).toBe("[secret]");
    expect(plan.outputs.environment).toBe("production");
    expect(
      plan.invariants.filter((rule) => rule.status !== "pass").map((rule) => rule.rule),
    ).toEqual([]);
  });

  it("shows secure: values as [secret], in text and JSON, neither decrypted nor shown as their stand-in", async () => {
    const ciphertext = "v1:AAAAbm90LWRlY3J5cHRlZA==";
    const dir = stackDirWith(
      "staging",
      setConfig(["neon:apiKey"], { secure: ciphertext }),
      setConfig(["client-fulfillment-infra:railwaySecrets", "backend", "SENTRY_DSN"], {
        secure: ciphertext,
      }),
    );
    // The program receives a stand-in, never the ciphertext, and both keys count as secret.
    const file = readStackFile(dir, "staging");
    expect(file.config["neon:apiKey"]).toBe(SECURE_STAND_IN);
    expect(JSON.parse(file.config["client-fulfillment-infra:railwaySecrets"] ?? "")).toEqual({
      backend: { SENTRY_DSN: SECURE_STAND_IN },
    });
    expect([...file.secretKeys].sort()).toEqual([
      "client-fulfillment-infra:railwaySecrets",
      "neon:apiKey",
    ]);
    const plan = await buildPlan(dir, "staging");
    const provider = plan.resources.find((resource) => resource.type === "pulumi:providers:neon");
    expect(provider?.inputs.apiKey).toBe("[secret]");
    const json = JSON.stringify(plan);
    const text = renderPlanText(plan);
    expect(text).toContain("apiKey: [secret]");
    for (const shown of [json, text]) {
      expect(shown).not.toContain(ciphertext);
      expect(shown).not.toContain(SECURE_STAND_IN);
    }
  });

  it("rejects a bad stack file with every bad key", async () => {
    const dir = stackDirWith(
      "production",
      setConfig(["client-fulfillment-infra:neon", "historyRetentionSeconds"], 86_400),
      setConfig(["client-fulfillment-infra:backups", "retentionDays"], 0),
    );
    const failure = await buildPlan(dir, "production").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StackConfigError);
    expect((failure as StackConfigError).issues.map((issue) => issue.key)).toEqual([
      "client-fulfillment-infra:backups.retentionDays",
      "client-fulfillment-infra:neon.historyRetentionSeconds",
    ]);
  });

  it("renders the tree with flags and a mark per rule, – for a rule with nothing to check", async () => {
    const text = renderPlanText(await buildPlan(ROOT, "staging"));
    expect(text).toContain(
      "    + neon:index/project:Project  database-project  [protected] [ignoreChanges=branch,computeProvisioner,storePassword]",
    );
    expect(text).toMatch(/✓ environment-matches-stack: ENVIRONMENT is "staging"\./);
    expect(text).toContain(
      "– backup-retention-matches-config: not applicable: staging declares no backup bucket and runs no backups.",
    );
    expect(text).not.toMatch(/✓ backup-/);
    expect(text).not.toContain("✗");
  });
});

describe("planVerdict", () => {
  it("fails the plan, and marks it ✗, when a rule is violated", async () => {
    const plan = await buildPlan(ROOT, "production");
    expect(planVerdict(plan)).toEqual({ exitCode: 0, problems: [] });
    const broken = {
      ...plan,
      invariants: plan.invariants.map((rule) =>
        rule.rule === "environment-matches-stack"
          ? { ...rule, status: "fail" as const, message: 'ENVIRONMENT is "development".' }
          : rule,
      ),
    };
    expect(planVerdict(broken)).toEqual({
      exitCode: 1,
      problems: ['invariant violated: environment-matches-stack: ENVIRONMENT is "development".'],
    });
    expect(renderPlanText(broken)).toContain(
      '✗ environment-matches-stack: ENVIRONMENT is "development".',
    );
  });
});

// Two cases start node with tsx and load the Pulumi SDK, for what only a process shows: its exit
// code and a stdout that carries the plan and nothing else. The others call the command in-process.
describe("the plan script", { timeout: 60_000 }, () => {
  it("prints only JSON on stdout through npm, with -s as the README says, and exits 0 on a good stack", async () => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const result = await planScript(
      ["--stack", "staging", "--json"],
      [npm, "run", "-s", "plan", "--"],
    );
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as PlanJson;
    expect(document.stack).toBe("staging");
    expect(document.resources.map((resource) => resource.type)).toContain(
      "neon:index/project:Project",
    );
    expect(document.invariants.filter((rule) => rule.status === "fail")).toEqual([]);
  });

  it("exits 1 when a stack file breaks an invariant, with the whole plan on stdout and the violation on stderr", async () => {
    // Valid config, but 0.25 CU for 600 awake hours is 150 CU-hours: more than the Free plan's 100.
    const dir = stackDirWith(
      "production",
      setConfig(["client-fulfillment-infra:neon", "compute", "activeHoursPerMonth"], 600),
    );
    const result = await planScript(["--stack", "production", "--json", "--dir", dir]);
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout) as PlanJson;
    expect(
      document.invariants.find((rule) => rule.rule === "neon-cu-hours-within-plan")?.status,
    ).toBe("fail");
    expect(result.stderr).toBe(
      'invariant violated: neon-cu-hours-within-plan: Neon project "client-fulfillment" (resource database-project) may use up to 0.25 CU × 600 h = 150 CU-hours a month, ' +
        "over the Neon free plan's 100 per project; Neon suspends its compute when they run out. Lower neon.compute.maxCu or neon.compute.activeHoursPerMonth (at 0.25 CU, at most 400 h).\n",
    );
  });
});

describe("the plan command", () => {
  const plan = (args: string[]) => planCommand(args, ROOT);

  it("prints one JSON document with --json and exits 0 on a good stack", async () => {
    const result = await plan(["--stack", "production", "--json"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const document = JSON.parse(result.stdout) as PlanJson;
    expect(document.stack).toBe("production");
    expect(
      document.invariants.find((rule) => rule.rule === "neon-cu-hours-within-plan")?.status,
    ).toBe("pass");
  });

  it("exits 2 with the message on stderr for a bad stack file", async () => {
    const dir = stackDirWith(
      "staging",
      setConfig(["client-fulfillment-infra:environment"], "development"),
    );
    const result = await plan(["--stack", "staging", "--dir", dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Invalid stack configuration in Pulumi.staging.yaml");
    expect(result.stderr).toContain("client-fulfillment-infra:environment");
  });

  it("exits 2 on usage errors: a repeated or unsupported --stack, an unknown option, none at all", async () => {
    const usage =
      "usage: npm run -s plan -- --stack <staging|production> [--json] [--dir <folder with Pulumi.<stack>.yaml>]\n";
    const cases: [string[], string][] = [
      [
        ["--stack", "staging", "--stack", "production"],
        "--stack given more than once; give each once.\n",
      ],
      [["--stack=staging", "--json", "--json"], "--json given more than once; give each once.\n"],
      [
        ["--stack", "qa"],
        'stack "qa" is not supported; the supported stacks are staging (Pulumi.staging.yaml), production (Pulumi.production.yaml).\n',
      ],
      [[], "--stack is required.\n"],
    ];
    for (const [args, message] of cases) {
      expect({ args, ...(await plan(args)) }).toEqual({
        args,
        code: 2,
        stdout: "",
        stderr: message + usage,
      });
    }
    const unknown = await plan(["--stack", "staging", "--colour"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
  });

  it("exits 2 and lists the supported stacks, without a trace, when the stack file is missing or malformed", async () => {
    const empty = mkdtempSync(path.join(tmpdir(), "plan-"));
    const missing = await plan(["--stack", "production", "--dir", empty]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `No stack file Pulumi.production.yaml in ${empty}. The supported stacks are staging (Pulumi.staging.yaml), production (Pulumi.production.yaml); this folder has none (pass --dir <folder>).\n`,
    );

    const dir = stackDirHolding("staging", "config: [1, 2]\n");
    const malformed = await plan(["--stack", "staging", "--dir", dir]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe(
      'Pulumi.staging.yaml: "config" must be a map of keys to values.\n',
    );
    const other = await plan(["--stack", "production", "--dir", dir]);
    expect(other.stderr).toContain("; this folder has Pulumi.staging.yaml.");
  });
});
