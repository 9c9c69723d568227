/**
 * The pull request's cost comment from plan JSONs (`npm run -s plan -- --stack <s> --json`):
 * `npm run -s cost:diff -- <stack>=<base.json>,<head.json> ...`, markdown on stdout.
 * An empty or missing file is a side without an estimate (its plan failed, or its stack file
 * predates a required key); the comment says so. Exit codes: 0 done; 2 a usage error.
 */
import { existsSync, readFileSync } from "node:fs";
import type { CostEstimate } from "../src/invariants/cost-model";
import { renderCostDiff, type CostPair } from "../src/offline/cost-diff";
import { exitAfterFlush } from "./cli";

const USAGE = "usage: npm run -s cost:diff -- <stack>=<base plan.json>,<head plan.json> [...]";

function estimateIn(file: string): CostEstimate | undefined {
  const text = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
  if (text === "") return undefined;
  const plan = JSON.parse(text) as { costs?: CostEstimate };
  return plan.costs;
}

function main(args: string[]): number {
  const pairs: CostPair[] = [];
  for (const arg of args) {
    const match = /^([\w-]+)=([^,]+),([^,]+)$/.exec(arg);
    if (!match) {
      process.stderr.write(`"${arg}" is not <stack>=<base.json>,<head.json>\n${USAGE}\n`);
      return 2;
    }
    const [, stack = "", base = "", head = ""] = match;
    pairs.push({ stack, base: estimateIn(base), head: estimateIn(head) });
  }
  if (pairs.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  process.stdout.write(renderCostDiff(pairs));
  return 0;
}

exitAfterFlush(main(process.argv.slice(2)));
