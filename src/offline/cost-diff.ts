import { formatUsd, type CostEstimate, type CostLine } from "../invariants/cost-model";

/** One stack's estimate on the base branch and on the pull request; undefined where none was made. */
export interface CostPair {
  readonly stack: string;
  readonly base: CostEstimate | undefined;
  readonly head: CostEstimate | undefined;
}

/** Marks the pull request comment, so each push edits it instead of adding another. */
export const COST_COMMENT_MARKER = "<!-- monthly-cost-estimate -->";

/** How each quantity reads in a change line, in the order lines list them. */
const QUANTITIES: readonly { key: string; label: string; unit: string }[] = [
  { key: "memoryLimitGB", label: "memory limit", unit: " GB" },
  { key: "memoryGB", label: "memory", unit: " GB" },
  { key: "vCPULimit", label: "vCPU limit", unit: "" },
  { key: "vCPU", label: "vCPU", unit: "" },
  { key: "hours", label: "hours", unit: " h" },
  { key: "volumeGB", label: "volume", unit: " GB" },
  { key: "egressGB", label: "egress", unit: " GB" },
  { key: "dumpMB", label: "dump", unit: " MB" },
  { key: "dumpsKept", label: "dumps kept", unit: "" },
  { key: "cuHours", label: "CU-hours", unit: "" },
];

const short = (value: number) => String(Math.round(value * 1000) / 1000);

function signedUsd(delta: number): string {
  const rounded = Math.round(delta * 100) / 100;
  return `${rounded < 0 ? "−" : "+"}${formatUsd(Math.abs(rounded))}`;
}

/** "crawl4ai memory 2 → 4 GB", or the item added or removed. */
function changeOf(base: CostLine | undefined, head: CostLine | undefined): string {
  if (!base) return `${head?.item ?? "?"} added`;
  if (!head) return `${base.item} removed`;
  const changed = QUANTITIES.filter(
    ({ key }) => short(base.quantities[key] ?? 0) !== short(head.quantities[key] ?? 0),
  ).map(
    ({ key, label, unit }) =>
      `${label} ${short(base.quantities[key] ?? 0)} → ${short(head.quantities[key] ?? 0)}${unit}`,
  );
  return `${head.item} ${changed.length ? changed.join(", ") : "estimate"}`;
}

/** The lines whose expected cost moved by a cent or more, largest move first. */
function changedLines(base: CostEstimate, head: CostEstimate): string[] {
  const items = [...new Set([...base.lines, ...head.lines].map((line) => line.item))];
  return items
    .map((item) => {
      const before = base.lines.find((line) => line.item === item);
      const after = head.lines.find((line) => line.item === item);
      return {
        delta: (after?.expectedUsd ?? 0) - (before?.expectedUsd ?? 0),
        text: changeOf(before, after),
      };
    })
    .filter(({ delta }) => Math.abs(delta) >= 0.005)
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
    .map(({ delta, text }) => `${signedUsd(delta)}/month: ${text}`);
}

/**
 * The pull request's comment: per stack, the expected month on the base and on the head, the
 * difference and the head's worst case, then what moved it, line by line.
 */
export function renderCostDiff(pairs: readonly CostPair[]): string {
  const lines = [
    COST_COMMENT_MARKER,
    "### Monthly cost estimate",
    "",
    "| stack | base | head | difference | worst case (head) |",
    "| --- | ---: | ---: | ---: | ---: |",
  ];
  const details: string[] = [];
  for (const { stack, base, head } of pairs) {
    const cell = (estimate: CostEstimate | undefined) =>
      estimate ? formatUsd(estimate.expectedUsd) : "n/a";
    const difference =
      base && head ? `${signedUsd(head.expectedUsd - base.expectedUsd)}/month` : "n/a";
    lines.push(
      `| ${stack} | ${cell(base)} | ${cell(head)} | ${difference} | ${head ? formatUsd(head.worstUsd) : "n/a"} |`,
    );
    if (!head)
      details.push(
        `- **${stack}**: no estimate for the head: its plan failed (see the checks job).`,
      );
    else if (!base)
      details.push(
        `- **${stack}**: no estimate for the base: its stack file does not parse under this branch's config schema.`,
      );
    else for (const change of changedLines(base, head)) details.push(`- **${stack}** ${change}`);
  }
  if (details.length) lines.push("", ...details);
  lines.push(
    "",
    "Both sides are priced by this branch's cost model (`src/invariants/cost-model.ts`) from each side's stack files; " +
      "the worst case puts every service at its limit, or at the plan's per-service maximum without one. Estimates, not a bill.",
  );
  return `${lines.join("\n")}\n`;
}
