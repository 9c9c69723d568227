import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  actionlint,
  allSteps,
  formatFindings,
  loadWorkflow,
  readWorkflows,
  WORKFLOW_DIR,
  type Job,
  type Workflow,
} from "./workflow-files";

/** Inputs of pulumi/actions v7.0.0 (action.yml at 8e5e406f4007fca908480587cb9893c07090f58d). */
const PULUMI_ACTIONS_V7_INPUTS = new Set([
  "command",
  "stack-name",
  "pulumi-version",
  "pulumi-version-file",
  "work-dir",
  "comment-on-pr",
  "comment-on-pr-number",
  "comment-on-summary",
  "github-token",
  "cloud-url",
  "secrets-provider",
  "parallel",
  "message",
  "config-map",
  "expect-no-changes",
  "diff",
  "replace",
  "exclude",
  "exclude-dependents",
  "target",
  "target-dependents",
  "policyPacks",
  "policyPackConfigs",
  "refresh",
  "upsert",
  "remove",
  "edit-pr-comment",
  "color",
  "exclude-protected",
  "plan",
  "suppress-outputs",
  "suppress-progress",
  "always-include-summary",
  "continue-on-error",
  "log-verbosity",
  "log-flow",
  "debug",
]);
const PULUMI_ACTIONS_V7_COMMANDS = ["up", "update", "refresh", "destroy", "preview", "output"];

const FULL_SHA = /^[0-9a-f]{40}$/;
const STACKS = ["staging", "production"];

const workflow = (name: string): Workflow => loadWorkflow(name);
const pulumiSteps = (wf: Workflow) =>
  allSteps(wf).filter(({ step }) => step.uses?.startsWith("pulumi/actions@"));
/** The `with:` of the workflow's single pulumi/actions step. */
function pulumiWith(wf: Workflow): Record<string, unknown> {
  const steps = pulumiSteps(wf);
  expect(steps).toHaveLength(1);
  return steps[0]?.step.with ?? {};
}
const permissionsOf = (job: Job) => (typeof job.permissions === "object" ? job.permissions : {});

describe("actionlint", () => {
  it("finds nothing in .github/workflows", async () => {
    const files = readWorkflows();
    expect(files.map((f) => path.basename(f.file))).toEqual([
      "checks.yml",
      "deploy.yml",
      "drift.yml",
      "preview.yml",
      "restore-drill.yml",
    ]);
    const findings = await actionlint();
    expect(formatFindings(findings)).toBe("");
  });

  it("reports a broken workflow (unknown job in needs, bad expression, untrusted input in run:)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "workflows-broken-"));
    writeFileSync(
      path.join(dir, "broken.yml"),
      [
        "name: broken",
        "on: pull_request",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-24.04",
        "    needs: [missing]",
        "    steps:",
        '      - run: echo "${{ github.event.pull_request.title }}"',
        '      - run: echo "${{ fromJSON( }}"',
        "",
      ].join("\n"),
    );
    const findings = await actionlint(dir);
    const kinds = findings.map((f) => f.kind);
    expect(findings.some((f) => f.kind === "job-needs" && f.message.includes('"missing"'))).toBe(
      true,
    );
    expect(
      findings.some((f) => f.kind === "expression" && f.message.includes("potentially untrusted")),
    ).toBe(true);
    expect(kinds.filter((kind) => kind === "expression").length).toBeGreaterThanOrEqual(2);
  });
});

describe("pulumi/actions steps", () => {
  const steps = readWorkflows().flatMap(({ file }) =>
    pulumiSteps(loadWorkflow(path.basename(file))).map((entry) => ({
      file: path.basename(file),
      ...entry,
    })),
  );

  it("exist in preview, deploy and drift", () => {
    expect(new Set(steps.map((s) => s.file))).toEqual(
      new Set(["preview.yml", "deploy.yml", "drift.yml"]),
    );
  });

  it("use only inputs pulumi/actions v7 declares, a valid command, and one way to pick the CLI version", () => {
    for (const { file, step } of steps) {
      const inputs = Object.keys(step.with ?? {});
      for (const input of inputs)
        expect(
          PULUMI_ACTIONS_V7_INPUTS,
          `${file}: unknown pulumi/actions input "${input}"`,
        ).toContain(input);
      const command = step.with?.command;
      if (command !== undefined) expect(PULUMI_ACTIONS_V7_COMMANDS).toContain(command);
      expect(
        inputs.includes("pulumi-version") && inputs.includes("pulumi-version-file"),
        `${file}: both CLI version inputs`,
      ).toBe(false);
      expect(step.with?.["pulumi-version-file"], `${file}: CLI pinned by .pulumi.version`).toBe(
        ".pulumi.version",
      );
    }
  });

  it("pin a CLI version recent enough for parameterized packages and refresh --preview-only", () => {
    const version = readFileSync(
      path.resolve(WORKFLOW_DIR, "../../.pulumi.version"),
      "utf8",
    ).trim();
    expect(version).toMatch(/^3\.\d+\.\d+$/);
    const minor = Number(version.split(".")[1]);
    expect(minor).toBeGreaterThanOrEqual(216);
    const sdk = (
      JSON.parse(readFileSync(path.resolve(WORKFLOW_DIR, "../../package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      }
    ).dependencies["@pulumi/pulumi"];
    expect(version).toBe(sdk);
  });
});

describe("pinning and permissions", () => {
  it("pins every action by full commit SHA with a version comment", () => {
    for (const { file, text } of readWorkflows()) {
      const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
      // Every workflow checks out the repository at least, so none may come out empty.
      expect(uses.length, `${path.basename(file)}: no uses: line found`).toBeGreaterThan(0);
      for (const match of uses) {
        const [ref = "", rest = ""] = [match[1], match[2]];
        const [, sha = ""] = ref.split("@");
        expect(sha, `${path.basename(file)}: ${ref}`).toMatch(FULL_SHA);
        expect(rest, `${path.basename(file)}: ${ref} has no "# vX.Y.Z" comment`).toMatch(
          /#\s*v\d+\.\d+\.\d+/,
        );
      }
    }
  });

  it("grants nothing at the top and the minimum per job", () => {
    for (const { file } of readWorkflows()) {
      const wf = loadWorkflow(path.basename(file));
      const top = wf.permissions;
      expect(
        top === undefined ||
          (typeof top === "object" &&
            Object.entries(top).every(([k, v]) => k === "contents" && v === "read")),
      ).toBe(true);
      for (const [name, job] of Object.entries(wf.jobs)) {
        const permissions = permissionsOf(job);
        const writes = Object.entries(permissions)
          .filter(([, level]) => level === "write")
          .map(([scope]) => scope);
        const uses = (job.steps ?? []).map((step) => step.uses ?? "");
        const withs = (job.steps ?? []).map((step) => step.with ?? {});
        const comments =
          withs.some((w) => w["comment-on-pr"] === true) ||
          (job.steps ?? []).some((step) => step.run?.includes("gh pr comment"));
        const oidc = uses.some((u) => u.startsWith("pulumi/auth-actions@"));
        const drift = ["drift.yml", "restore-drill.yml"].includes(path.basename(file));
        for (const scope of writes) {
          const allowed =
            (scope === "pull-requests" && comments) ||
            (scope === "id-token" && oidc) ||
            (scope === "issues" && drift);
          expect(allowed, `${path.basename(file)} ${name}: ${scope}: write`).toBe(true);
        }
        if (oidc) expect(permissions["id-token"], `${name} uses OIDC`).toBe("write");
        if (comments) expect(permissions["pull-requests"]).toBe("write");
        expect(["read", undefined]).toContain(permissions.contents);
      }
    }
  });

  it("never puts a github.event value straight into a run: script", () => {
    for (const { file } of readWorkflows()) {
      for (const { step } of allSteps(loadWorkflow(path.basename(file)))) {
        expect(step.run ?? "", path.basename(file)).not.toMatch(/\$\{\{[^}]*github\.event/);
      }
    }
  });
});

describe("checks", () => {
  const wf = workflow("checks.yml");
  it("runs on every pull request and push, without secrets", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push"]);
    expect(readFileSync(path.join(WORKFLOW_DIR, "checks.yml"), "utf8")).not.toContain("secrets.");
  });
  it("runs the CI steps and the offline plan of both stacks", () => {
    const runs = allSteps(wf).map(({ step }) => step.run ?? "");
    for (const command of [
      "npm ci",
      "npm run build",
      "npm run typecheck",
      "npm run lint",
      "npm test",
      "npm run policy:typecheck",
      "npm run policy:test",
      "npm run lint:workflows",
    ]) {
      expect(runs).toContain(command);
    }
    for (const stack of STACKS) expect(runs).toContain(`npm run -s plan -- --stack ${stack}`);
  });

  describe("the cost job", () => {
    const job = wf.jobs.cost!;
    const steps = job.steps ?? [];
    const named = (name: string) => steps.find((step) => step.name === name);

    it("runs on pull requests only, with read access and the right to comment, nothing more", () => {
      expect(job.if).toBe("github.event_name == 'pull_request'");
      expect(job.permissions).toEqual({ contents: "read", "pull-requests": "write" });
      expect(wf.jobs.checks?.permissions).toBeUndefined();
    });

    it("checks out the base's stack files only, and no step keeps credentials", () => {
      const checkouts = steps.filter((step) => step.uses?.startsWith("actions/checkout@"));
      expect(checkouts).toHaveLength(2);
      for (const checkout of checkouts) expect(checkout.with?.["persist-credentials"]).toBe(false);
      expect(checkouts[1]?.with).toMatchObject({
        ref: "${{ github.event.pull_request.base.sha }}",
        path: ".cost-base",
        "sparse-checkout-cone-mode": false,
      });
      expect(String(checkouts[1]?.with?.["sparse-checkout"]).trim().split("\n")).toEqual(
        STACKS.map((stack) => `Pulumi.${stack}.yaml`),
      );
    });

    it("plans both stacks on base and head and writes the diff to the run summary", () => {
      const plans = named("Offline plans of base and head")?.run ?? "";
      expect(plans).toContain("for stack in staging production; do");
      expect(plans).toContain(
        'npm run -s plan -- --stack "$stack" --json > "$RUNNER_TEMP/cost/head-$stack.json" || test $? -eq 1',
      );
      expect(plans).toContain(
        'npm run -s plan -- --stack "$stack" --json --dir .cost-base > "$RUNNER_TEMP/cost/base-$stack.json" || test $? -le 2',
      );
      const summary = named("Cost of base vs head, in the run summary");
      expect(summary?.if).toBeUndefined();
      for (const stack of STACKS)
        expect(summary?.run).toContain(
          `"${stack}=$RUNNER_TEMP/cost/base-${stack}.json,$RUNNER_TEMP/cost/head-${stack}.json"`,
        );
      expect(summary?.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    });

    it("comments only for pull requests from this repository, and only that step holds the token", () => {
      const comment = named("Comment the cost on the pull request");
      expect(comment?.if).toBe(
        "github.event.pull_request.head.repo.full_name == github.repository",
      );
      expect(comment?.env).toEqual({
        GH_TOKEN: "${{ github.token }}",
        PR_NUMBER: "${{ github.event.pull_request.number }}",
      });
      expect(comment?.run).toContain("--method PATCH");
      expect(comment?.run).toContain('gh pr comment "$PR_NUMBER"');
      const holders = steps.filter((step) => JSON.stringify(step).includes("github.token"));
      expect(holders).toEqual([comment]);
    });
  });
});

describe("checks and .ci/run", () => {
  /** The commands of a shell script, one per line that runs npm. */
  const ciRunCommands = () =>
    readFileSync(path.resolve(WORKFLOW_DIR, "../../.ci/run"), "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => /^(npm |\(cd policy && npm ci\))/.test(line))
      // Node 24 itself: setup-node's counterpart in the workflow.
      .filter((line) => !line.includes("$NODE_PACKAGE"))
      .map((line) => line.replace(/ >\/dev\/null$/, ""));
  /** The `checks` job's commands (the `cost` job compares plans for the pull request, which .ci/run has none of). */
  const checksCommands = () =>
    allSteps(workflow("checks.yml"))
      .filter(({ job, step }) => job === "checks" && step.run)
      .map(({ step }) =>
        step["working-directory"] === "policy" ? `(cd policy && ${step.run})` : step.run!,
      );

  it("run the same steps in the same order; only GitHub fetches Railway's schema, which .ci/run has beside the clone", () => {
    expect(checksCommands().filter((command) => command !== "npm run railway:schema")).toEqual(
      ciRunCommands(),
    );
  });
  it("GitHub fetches the pinned schema before the tests and forbids schema-bound tests to skip", () => {
    const steps = allSteps(workflow("checks.yml")).map(({ step }) => step);
    const schema = steps.findIndex((step) => step.run === "npm run railway:schema");
    const test = steps.findIndex((step) => step.run === "npm test");
    expect(schema).toBeGreaterThan(-1);
    expect(schema).toBeLessThan(test);
    expect(steps[test]?.env).toEqual({ RAILWAY_SCHEMA_REQUIRED: "1" });
  });
});

describe("preview", () => {
  const wf = workflow("preview.yml");
  const job = wf.jobs.preview!;
  it("runs only for pull requests from this repository; forks get a note in the summary", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    const note = wf.jobs["fork-note"]!;
    expect(note.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
    expect(note.steps?.[0]?.run).toContain("$GITHUB_STEP_SUMMARY");
    expect(JSON.stringify(note)).not.toContain("secrets.");
  });
  it("previews both stacks with the policy pack, one edited comment per stack", () => {
    expect(job.strategy?.matrix?.stack).toEqual(STACKS);
    expect(pulumiWith(wf)).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      diff: true,
      "comment-on-pr": true,
      "edit-pr-comment": true,
      policyPacks: "policy",
      "pulumi-version-file": ".pulumi.version",
    });
    const runs = (job.steps ?? []).map((s) => `${s.run ?? ""}@${s["working-directory"] ?? "."}`);
    expect(runs).toEqual(expect.arrayContaining(["npm ci@.", "npm run build@.", "npm ci@policy"]));
  });
  const checkStep = () => {
    const steps = job.steps ?? [];
    const index = steps.findIndex((step) => step.run?.includes("railway:check"));
    return {
      index,
      step: steps[index]!,
      previewIndex: steps.findIndex((step) => step.uses?.startsWith("pulumi/actions@")),
    };
  };
  it("runs the read-only Railway adoption check of the stack before the preview", () => {
    const { index, step, previewIndex } = checkStep();
    expect(index).toBeGreaterThan(-1);
    expect(index).toBeLessThan(previewIndex);
    expect(step.run).toContain('npm run -s railway:check -- --stack "$STACK"');
    expect(step.env).toEqual({ STACK: "${{ matrix.stack }}" });
  });
  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 1],
  ])(
    "the check step, when the check exits %i, writes its report to the run summary and exits %i",
    (checkExit, stepExit) => {
      const { step } = checkStep();
      const dir = mkdtempSync(path.join(tmpdir(), "check-step-"));
      const summary = path.join(dir, "summary.md");
      writeFileSync(path.join(dir, "npm"), `#!/bin/sh\necho "report of $6"\nexit ${checkExit}\n`, {
        mode: 0o755,
      });
      const result = spawnSync("bash", ["-eo", "pipefail", "-c", step.run!], {
        cwd: dir,
        env: {
          PATH: `${dir}:${process.env.PATH}`,
          STACK: "production",
          GITHUB_STEP_SUMMARY: summary,
        },
        encoding: "utf8",
      });
      expect(result.status).toBe(stepExit);
      expect(readFileSync(summary, "utf8")).toContain(
        `### Railway adoption check: production (exit ${checkExit})`,
      );
      expect(readFileSync(summary, "utf8")).toContain("report of production");
    },
  );
  it("cancels a superseded preview of the same pull request and stack", () => {
    expect(job.concurrency).toEqual({
      group: "preview-${{ github.event.pull_request.number }}-${{ matrix.stack }}",
      "cancel-in-progress": true,
    });
  });
});

describe("deploy", () => {
  const wf = workflow("deploy.yml");
  it("runs on pushes to main: staging, then production behind the production environment", () => {
    expect(wf.on).toEqual({ push: { branches: ["main"] } });
    expect(wf.jobs.staging?.needs).toBeUndefined();
    expect(wf.jobs.production?.needs).toBe("staging");
    expect(wf.jobs.production?.environment).toBe("production");
    for (const stack of STACKS) {
      expect(pulumiWith({ ...wf, jobs: { [stack]: wf.jobs[stack]! } })).toMatchObject({
        command: "up",
        "stack-name": stack,
        policyPacks: "policy",
        "pulumi-version-file": ".pulumi.version",
      });
    }
  });
  it("never cancels a deployment, one per stack at a time", () => {
    for (const stack of STACKS)
      expect(wf.jobs[stack]?.concurrency).toEqual({
        group: `pulumi-${stack}`,
        "cancel-in-progress": false,
      });
  });
});

describe("drift", () => {
  const wf = workflow("drift.yml");
  const job = wf.jobs.drift!;
  it("runs daily and on demand, per stack", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(job.strategy?.matrix?.stack).toEqual(STACKS);
    expect(job.concurrency?.["cancel-in-progress"]).toBe(false);
    expect(job.concurrency?.group).not.toMatch(/^pulumi-/);
  });
  it("installs the CLI through the action without a command, then refreshes in preview-only mode", () => {
    expect(pulumiWith(wf)).toEqual({ "pulumi-version-file": ".pulumi.version" });
    const script = allSteps(wf)
      .map(({ step: s }) => s.run ?? "")
      .join("\n");
    expect(script).toContain(
      'pulumi refresh --preview-only --expect-no-changes --non-interactive --color never --stack "$STACK"',
    );
  });
  it("keeps one issue per stack: looks it up by label and exact title, then comments or creates", () => {
    const script = allSteps(wf)
      .map(({ step: s }) => s.run ?? "")
      .join("\n");
    expect(job.env?.ISSUE_TITLE).toBe("Drift detected in stack ${{ matrix.stack }}");
    expect(script).toContain("gh issue list");
    expect(script).toContain("--label drift");
    expect(script).toContain("gh issue comment");
    expect(script).toContain("gh issue create");
    expect(permissionsOf(job)).toEqual({ contents: "read", issues: "write", "id-token": "write" });
  });
});

describe("drift: Railway's usage estimate", () => {
  const wf = workflow("drift.yml");
  const job = wf.jobs.drift!;
  const steps = job.steps ?? [];
  const named = (name: string) => {
    const step = steps.find((s) => s.name === name);
    expect(step, name).toBeDefined();
    return step!;
  };
  const check = () => named("Railway's usage estimate against the budget");
  const open = () => named("Open or update the budget issue");
  const close = () => named("Close the budget issue once the estimate fits");
  const fail = () => named("Fail on drift, an estimate over budget, or an error");

  /** Runs a step's script in a folder whose `npm` and `gh` are stubs; `gh` logs its arguments, one call a line. */
  function runStep(script: string, options: { npmExit?: number; openIssue?: string } = {}) {
    const dir = mkdtempSync(path.join(tmpdir(), "usage-step-"));
    writeFileSync(
      path.join(dir, "npm"),
      `#!/bin/sh\necho "report for $6"\nexit ${options.npmExit ?? 0}\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      path.join(dir, "gh"),
      `#!/bin/sh\necho "$*" >> "${dir}/gh.log"\nif [ "$1 $2" = "issue list" ]; then echo "${options.openIssue ?? ""}"; fi\n`,
      { mode: 0o755 },
    );
    writeFileSync(
      path.join(dir, "usage-report.txt"),
      "Over budget by $7.20. The largest is memory (MEMORY_USAGE_GB)\n",
    );
    const output = path.join(dir, "output");
    const result = spawnSync("bash", ["-eo", "pipefail", "-c", script], {
      cwd: dir,
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        STACK: "production",
        GITHUB_OUTPUT: output,
        GITHUB_REPOSITORY: "acme/infra",
        RUN_URL: "https://run/1",
        USAGE_ISSUE_TITLE: String(job.env?.USAGE_ISSUE_TITLE),
      },
      encoding: "utf8",
    });
    const read = (file: string) =>
      existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), "utf8") : "";
    return {
      status: result.status,
      stdout: result.stdout,
      output: read("output"),
      gh: read("gh.log").trim().split("\n").filter(Boolean),
      body: read("usage-body.md"),
    };
  }

  it("runs on production's leg only (one workspace, one bill), with the job's Railway token, before the final verdict", () => {
    expect(check().if).toBe("matrix.stack == 'production'");
    expect(check().run).toContain(
      'npm run -s railway:usage -- --stack "$STACK" > usage-report.txt',
    );
    expect(job.env?.RAILWAY_API_TOKEN).toBe("${{ secrets.RAILWAY_API_TOKEN }}");
    expect(steps.indexOf(check())).toBeLessThan(steps.indexOf(fail()));
    expect(steps.at(-1)).toBe(fail());
    expect(fail().if).toBe(
      "steps.refresh.outputs.result != 'clean' || (steps.usage.outputs.result != '' && steps.usage.outputs.result != 'within')",
    );
    expect(job.env?.USAGE_ISSUE_TITLE).toBe("Railway usage estimate over budget");
  });

  it.each([
    [0, "within"],
    [1, "over"],
    [2, "error"],
    [3, "error"],
  ])(
    "the check step, when railway:usage exits %i, prints the report and records %s",
    (exit, result) => {
      const run = runStep(check().run!, { npmExit: exit });
      expect(run.status).toBe(0);
      expect(run.stdout).toContain("report for production");
      expect(run.output).toBe(`result=${result}\n`);
    },
  );

  it("opens the issue, labelled budget, with the report, when none is open", () => {
    expect(open().if).toBe("steps.usage.outputs.result == 'over'");
    const run = runStep(open().run!);
    expect(run.status).toBe(0);
    expect(run.gh[0]).toMatch(/^label create budget --repo acme\/infra/);
    expect(run.gh[1]).toContain(
      'issue list --repo acme/infra --state open --label budget --search "Railway usage estimate over budget" in:title',
    );
    expect(run.gh[2]).toBe(
      "issue create --repo acme/infra --title Railway usage estimate over budget --label budget --body-file usage-body.md",
    );
    expect(run.gh).toHaveLength(3);
    expect(run.body).toContain("https://run/1");
    expect(run.body).toContain("The largest is memory (MEMORY_USAGE_GB)");
  });

  it("comments on the open issue instead of opening a second one", () => {
    const run = runStep(open().run!, { openIssue: "42" });
    expect(run.status).toBe(0);
    expect(run.gh.at(-1)).toBe("issue comment 42 --repo acme/infra --body-file usage-body.md");
    expect(run.gh.some((call) => call.startsWith("issue create"))).toBe(false);
  });

  it("closes the open issue once the estimate fits, and does nothing when none is open", () => {
    expect(close().if).toBe("steps.usage.outputs.result == 'within'");
    expect(runStep(close().run!, { openIssue: "42" }).gh.at(-1)).toMatch(
      /^issue close 42 --repo acme\/infra --comment /,
    );
    expect(runStep(close().run!).gh.filter((call) => !call.startsWith("issue list"))).toEqual([]);
  });

  it("gives the GitHub token to the issue steps only", () => {
    const holders = steps
      .filter((step) => JSON.stringify(step).includes("github.token"))
      .map((step) => step.name);
    expect(holders).toEqual(expect.arrayContaining([open().name, close().name]));
    expect(holders).not.toContain(check().name);
  });
});

describe("restore drill", () => {
  const wf = workflow("restore-drill.yml");
  const job = wf.jobs.drill!;
  const script = () =>
    allSteps(wf)
      .map(({ step: s }) => s.run ?? "")
      .join("\n");
  it("runs weekly and on demand, reading only, with no Pulumi or Neon credentials", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(permissionsOf(job)).toEqual({ contents: "read", issues: "write" });
    const text = readFileSync(path.join(WORKFLOW_DIR, "restore-drill.yml"), "utf8");
    expect([...text.matchAll(/secrets\.(\w+)/g)].map((match) => match[1]).sort()).toEqual([
      "BACKUPS_R2_ACCESS_KEY_ID",
      "BACKUPS_R2_SECRET_ACCESS_KEY",
    ]);
  });
  it("restores into a postgres:17 service container with a PostgreSQL 17 client", () => {
    const services = (job as unknown as { services: Record<string, { image: string }> }).services;
    expect(services.postgres?.image).toBe("postgres:17");
    expect(script()).toContain("apt-get install -y -qq postgresql-client-17");
    expect(script()).toContain("BACKUPS_PG_BIN=/usr/lib/postgresql/17/bin");
    expect(script()).toContain(
      'npm run -s backups:verify -- --stack production --json --restore-into "$RESTORE_URL"',
    );
    expect(job.env?.RESTORE_URL).toMatch(/@localhost:5432\//);
  });
  it("keeps the evidence as an artifact, even when the drill fails", () => {
    const upload = allSteps(wf).find(({ step: s }) =>
      s.uses?.startsWith("actions/upload-artifact@"),
    )?.step;
    expect(upload?.if).toBe("always()");
    expect(String(upload?.with?.path)).toContain("evidence.json");
  });
  it("keeps one issue labelled backups: comments or creates on failure, closes on a pass", () => {
    expect(job.env?.ISSUE_TITLE).toBe("Restore drill failed for production");
    for (const command of [
      "gh issue list",
      "--label backups",
      "gh issue comment",
      "gh issue create",
      "gh issue close",
    ])
      expect(script()).toContain(command);
  });
  it.each([
    [0, "pass"],
    [1, "fail"],
    [2, "error"],
  ])("the drill step, when backups:verify exits %i, reports %s", (exit, result) => {
    const step = allSteps(wf).find(({ step: s }) => s.run?.includes("backups:verify"))?.step;
    const dir = mkdtempSync(path.join(tmpdir(), "drill-step-"));
    writeFileSync(
      path.join(dir, "npm"),
      `#!/bin/sh\necho '{"checks":[{"id":"x","status":"pass","message":"m"}],"durationsMs":{},"rtoMinutes":60}'\nexit ${exit}\n`,
      { mode: 0o755 },
    );
    const output = path.join(dir, "output");
    const run = spawnSync("bash", ["-eo", "pipefail", "-c", step!.run!], {
      cwd: dir,
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        RESTORE_URL: "postgresql://x@localhost:5432/d",
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
      },
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(readFileSync(output, "utf8")).toBe(`result=${result}\n`);
  });
});
