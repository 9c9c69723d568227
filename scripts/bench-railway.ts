/**
 * Rehearses each stack's real program against the local Railway simulator, through the
 * dynamic-provider plugin driven like the Pulumi engine drives it (see
 * test-support/rehearsal/), and prints the Railway API calls of four scenarios. Exits 1 when a
 * target is missed.
 */
import { rehearseStack, SCENARIO_TITLES, type ScenarioResult, type StackName } from "../test-support/rehearsal/scenarios";

const STACKS: StackName[] = ["production", "staging"];

const LEGEND = [
  "Counted against a fresh in-process Railway simulator (test-support/railway-simulator), not Railway:",
  "- requests: HTTP requests the simulator received (retries included).",
  "- mutations: GraphQL documents whose operation is a `mutation`, counted by a proxy in front of the simulator",
  "  (the simulator's own count of root mutation fields is shown in brackets when it differs).",
  "- deploys: deployments the simulator started (on service create/connect with a source, on deploy mutations,",
  "  on commits that deploy); `service@environment`, services named by their role from production's railwayServiceIds.",
  "- Only Railway resources are real: Neon, Cloudflare and random values are offline placeholders.",
  "- Staging runs on a simulator where production was applied first (not counted); (d) runs on its own simulator",
  "  where the stack was applied once and its state then discarded.",
];

function formatDeploys(byService: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byService).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([label, count]) => `${label} ×${count}`).join(", ") : "—";
}

function formatSteps(result: ScenarioResult): string {
  const counts: Record<string, number> = {};
  for (const step of result.steps) counts[step.kind] = (counts[step.kind] ?? 0) + 1;
  return Object.entries(counts).map(([kind, count]) => `${count} ${kind}`).join(", ") || "—";
}

function printTable(stack: StackName, results: readonly ScenarioResult[]): void {
  console.log(`\n### ${stack}\n`);
  console.log("| scenario | requests | mutations | deploys | deploys by service | engine steps | targets |");
  console.log("| --- | ---: | ---: | ---: | --- | --- | --- |");
  for (const result of results) {
    const { measurement: m } = result;
    const mutations = m.mutationFields === m.mutations ? `${m.mutations}` : `${m.mutations} [${m.mutationFields} fields]`;
    const targets = result.targets.length ? result.targets.map((t) => `${t.ok ? "✓" : "✗"} ${t.description}`).join("; ") : "(none)";
    console.log(`| ${result.title} | ${m.requests} | ${mutations} | ${m.deploys} | ${formatDeploys(result.deploysByService)} | ${formatSteps(result)} | ${targets} |`);
  }
  for (const result of results) {
    const names = Object.entries(result.measurement.mutationsByName);
    if (names.length) console.log(`\n${result.title}, mutations: ${names.map(([name, count]) => (count > 1 ? `${name} ×${count}` : name)).join(", ")}`);
    const changed = result.steps.filter((step) => step.kind !== "same" && result.id !== "a");
    if (changed.length) console.log(`${result.title}, steps: ${changed.map((s) => `${s.kind} ${s.name}${s.detail ? ` (${s.detail})` : ""}`).join(", ")}`);
  }
}

async function main(): Promise<void> {
  console.log("Railway rehearsal of the real stacks (`pulumi up` on the mock runtime, Railway resources through the real dynamic-provider plugin)\n");
  for (const line of LEGEND) console.log(line);
  let missed = 0;
  for (const stack of STACKS) {
    const results = await rehearseStack(stack);
    printTable(stack, results);
    missed += results.flatMap((result) => result.targets).filter((target) => !target.ok).length;
  }
  console.log("");
  console.log(`Scenarios: ${Object.values(SCENARIO_TITLES).join("; ")}.`);
  if (missed > 0) {
    console.log(`✗ ${missed} target(s) missed.`);
    process.exitCode = 1;
  } else {
    console.log("✓ every target met.");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
