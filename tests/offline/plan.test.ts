import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { StackConfigError } from "../../src/config";
import { buildPlan, planVerdict, renderPlanText } from "../../src/offline/plan";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);

function stackDirWith(stack: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "plan-"));
  writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), edit(readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")));
  return dir;
}

async function planScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/plan.ts", ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("buildPlan", () => {
  it("describes the production stack: resources, parents, adoption, protection, outputs, rules", async () => {
    const plan = await buildPlan(ROOT, "production");
    expect(plan.stack).toBe("production");
    expect(plan.note).toContain("not a diff against live infrastructure");
    const byName = Object.fromEntries(plan.resources.map((resource) => [resource.name, resource]));
    expect(byName["database-project"]).toMatchObject({ parent: "database", import: "spring-fog-49733273", protect: true });
    expect(byName["backups-lifecycle"]).toMatchObject({ parent: "backups", import: null, protect: false });
    expect(byName.database).toMatchObject({ type: "client-fulfillment:database:NeonDatabase", parent: null });
    expect(plan.outputs.appDatabaseUrl).toBe("[secret]");
    expect(plan.outputs.environment).toBe("production");
    expect(plan.invariants.every((rule) => rule.status === "pass")).toBe(true);
  });

  it("shows secure: values as [secret] without decrypting them", async () => {
    const dir = stackDirWith("staging", (text) => `${text}  neon:apiKey:\n    secure: v1:AAAAbm90LWRlY3J5cHRlZA==\n`);
    const plan = await buildPlan(dir, "staging");
    const provider = plan.resources.find((resource) => resource.type === "pulumi:providers:neon");
    expect(provider?.inputs.apiKey).toBe("[secret]");
    expect(JSON.stringify(plan)).not.toContain("v1:AAAA");
  });

  it("rejects a bad stack file with every bad key", async () => {
    const dir = stackDirWith("production", (text) =>
      text.replace("historyRetentionSeconds: 21600", "historyRetentionSeconds: 86400").replace("retentionDays: 30", "retentionDays: 0"),
    );
    const failure = await buildPlan(dir, "production").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StackConfigError);
    expect((failure as StackConfigError).issues.map((issue) => issue.key)).toEqual([
      "client-fulfillment-infra:backups.retentionDays",
      "client-fulfillment-infra:neon.historyRetentionSeconds",
    ]);
  });

  it("renders the tree with flags and a mark per rule", async () => {
    const text = renderPlanText(await buildPlan(ROOT, "staging"));
    expect(text).toContain("    + neon:index/branch:Branch  database-branch");
    expect(text).toMatch(/✓ environment-matches-stack: ENVIRONMENT is "staging"\./);
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
        rule.rule === "environment-matches-stack" ? { ...rule, status: "fail" as const, message: 'ENVIRONMENT is "development".' } : rule,
      ),
    };
    expect(planVerdict(broken)).toEqual({
      exitCode: 1,
      problems: ['invariant violated: environment-matches-stack: ENVIRONMENT is "development".'],
    });
    expect(renderPlanText(broken)).toContain('✗ environment-matches-stack: ENVIRONMENT is "development".');
  });
});

describe("npm run plan", () => {
  it("prints one JSON document and exits 0 on a good stack", async () => {
    const result = await planScript(["--stack", "production", "--json"]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { stack: string; resources: unknown[]; outputs: object; invariants: { status: string }[] };
    expect(document.stack).toBe("production");
    expect(document.resources.length).toBeGreaterThan(5);
    expect(document.invariants.length).toBe(7);
  });

  it("exits non-zero with the message on stderr for a bad stack file", async () => {
    const dir = stackDirWith("staging", (text) => text.replace("environment: staging", "environment: development"));
    const result = await planScript(["--stack", "staging", "--dir", dir]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("Invalid stack configuration in Pulumi.staging.yaml");
    expect(result.stderr).toContain("client-fulfillment-infra:environment");
  });

  it("exits non-zero with the file named, and no stack trace, when the stack file is missing or malformed", async () => {
    const missing = await planScript(["--stack", "qa"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("Cannot read stack file Pulumi.qa.yaml");
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    const dir = stackDirWith("staging", () => "config: [1, 2]\n");
    const malformed = await planScript(["--stack", "staging", "--dir", dir]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe('Pulumi.staging.yaml: "config" must be a map of keys to values.\n');
  });
});
