import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPlan, type PlanDocument } from "../../src/offline/plan";
import { COST_COMMENT_MARKER, renderCostDiff } from "../../src/offline/cost-diff";
import { planScript, setConfig, stackDirWith } from "../../test-support/plan-script";

const ROOT = path.resolve(__dirname, "../..");

let base: PlanDocument;
let head: PlanDocument;

beforeAll(async () => {
  base = await buildPlan(ROOT, "production");
  // The pull request: Crawl4AI's limit from 4 to 6 GB, set structurally.
  const dir = stackDirWith(
    "production",
    setConfig(["client-fulfillment-infra:railway", "crawl4ai", "memoryGB"], 6),
  );
  head = await buildPlan(dir, "production");
}, 60_000);

describe("renderCostDiff", () => {
  it("shows base, head, the difference and the worst case per stack, and what moved it", () => {
    const markdown = renderCostDiff([{ stack: "production", base: base.costs, head: head.costs }]);
    expect(markdown.startsWith(`${COST_COMMENT_MARKER}\n### Monthly cost estimate\n`)).toBe(true);
    const usd = (value: number) => `$${value.toFixed(2)}`;
    // 2 GB more of RAM at Railway's $10/GB-month: the difference follows the prices, the totals follow the stack file.
    expect(head.costs.expectedUsd - base.costs.expectedUsd).toBeCloseTo(20, 2);
    expect(markdown).toContain(
      `| production | ${usd(base.costs.expectedUsd)} | ${usd(head.costs.expectedUsd)} | +$20.00/month |`,
    );
    expect(markdown).toContain(
      "- **production** +$20.00/month: crawl4ai memory limit 4 → 6 GB, memory 4 → 6 GB\n",
    );
  });

  it("lists nothing for a stack that did not change, and says which side has no estimate", () => {
    const markdown = renderCostDiff([
      { stack: "production", base: base.costs, head: base.costs },
      { stack: "staging", base: undefined, head: base.costs },
      { stack: "other", base: base.costs, head: undefined },
    ]);
    const total = `$${base.costs.expectedUsd.toFixed(2)}`;
    expect(markdown).toContain(`| production | ${total} | ${total} | +$0.00/month |`);
    expect(markdown).not.toContain("- **production**");
    expect(markdown).toContain(
      "- **staging**: no estimate for the base: its stack file does not parse under this branch's config schema.",
    );
    expect(markdown).toContain(
      "- **other**: no estimate for the head: its plan failed (see the checks job).",
    );
  });

  it("names a service that goes away, with its saving", () => {
    const without = {
      ...head.costs,
      lines: head.costs.lines.filter((line) => line.item !== "backupJob"),
    };
    expect(renderCostDiff([{ stack: "production", base: head.costs, head: without }])).toMatch(
      /- \*\*production\*\* −\$0\.\d\d\/month: backupJob removed/,
    );
  });
});

describe("the cost:diff script", { timeout: 60_000 }, () => {
  it("reads two plan JSONs per stack and prints the markdown; an empty file is a side without an estimate", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cost-diff-"));
    const files = {
      base: path.join(dir, "base.json"),
      head: path.join(dir, "head.json"),
      empty: path.join(dir, "empty.json"),
    };
    writeFileSync(files.base, JSON.stringify(base));
    writeFileSync(files.head, JSON.stringify(head));
    writeFileSync(files.empty, "");
    const result = await planScript(
      [`production=${files.base},${files.head}`, `staging=${files.empty},${files.head}`],
      [process.execPath, "--import", "tsx", "scripts/cost-diff.ts"],
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      renderCostDiff([
        { stack: "production", base: base.costs, head: head.costs },
        { stack: "staging", base: undefined, head: head.costs },
      ]),
    );
  });

  it("refuses an argument that is not stack=base,head", async () => {
    const result = await planScript(
      ["production=only-one.json"],
      [process.execPath, "--import", "tsx", "scripts/cost-diff.ts"],
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '"production=only-one.json" is not <stack>=<base.json>,<head.json>',
    );
  });
});
