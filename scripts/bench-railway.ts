/**
 * Rehearses each stack's real program against the local Railway simulator, through the
 * dynamic-provider plugin driven like the Pulumi engine drives it (see
 * test-support/rehearsal/), and prints the Railway API calls of four scenarios. Exits 1 when a
 * target is missed.
 */
import {
  rehearseDashboardAdoption,
  SIMULATED_BUILD_SECONDS,
  type DashboardAdoptionResult,
} from "../test-support/rehearsal/dashboard-adoption";
import {
  rehearseStack,
  SCENARIO_TITLES,
  type ScenarioResult,
  type StackName,
} from "../test-support/rehearsal/scenarios";

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
  `- Every build and deploy lasts ${SIMULATED_BUILD_SECONDS} s of simulated time (no real sleeping): status polls are counted as a`,
  "  real build of that length would cost them with the provider's backoff (2 s doubling to 15 s).",
  "- (e) seeds production as made by hand in the dashboard (template Redis `redis:8.2.1` with a TCP proxy and a live",
  "  password, `/backend`, hand-set variables, a railway.json on the frontend, a live Crawl4AI token), runs the",
  "  adoption check, corrects the stack file as the check says, then a first `up`, a second `up` and a refresh.",
];

function formatDeploys(byService: Readonly<Record<string, number>>): string {
  const entries = Object.entries(byService).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([label, count]) => `${label} ×${count}`).join(", ") : "—";
}

function formatSteps(result: ScenarioResult): string {
  const counts: Record<string, number> = {};
  for (const step of result.steps) counts[step.kind] = (counts[step.kind] ?? 0) + 1;
  return (
    Object.entries(counts)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(", ") || "—"
  );
}

function printTable(stack: StackName, results: readonly ScenarioResult[]): void {
  console.log(`\n### ${stack}\n`);
  console.log(
    "| scenario | requests | mutations | deploys | deploys by service | engine steps | targets |",
  );
  console.log("| --- | ---: | ---: | ---: | --- | --- | --- |");
  for (const result of results) {
    const { measurement: m } = result;
    const mutations =
      m.mutationFields === m.mutations
        ? `${m.mutations}`
        : `${m.mutations} [${m.mutationFields} fields]`;
    const targets = result.targets.length
      ? result.targets.map((t) => `${t.ok ? "✓" : "✗"} ${t.description}`).join("; ")
      : "(none)";
    console.log(
      `| ${result.title} | ${m.requests} | ${mutations} | ${m.deploys} | ${formatDeploys(result.deploysByService)} | ${formatSteps(result)} | ${targets} |`,
    );
  }
  for (const result of results) {
    const names = Object.entries(result.measurement.mutationsByName);
    if (names.length)
      console.log(
        `\n${result.title}, mutations: ${names.map(([name, count]) => (count > 1 ? `${name} ×${count}` : name)).join(", ")}`,
      );
    const changed = result.steps.filter((step) => step.kind !== "same" && result.id !== "a");
    if (changed.length)
      console.log(
        `${result.title}, steps: ${changed.map((s) => `${s.kind} ${s.name}${s.detail ? ` (${s.detail})` : ""}`).join(", ")}`,
      );
  }
}

/** Prints scenario (e) and returns its targets. */
function printDashboardAdoption(
  result: DashboardAdoptionResult,
): { description: string; ok: boolean }[] {
  const kinds = (findings: DashboardAdoptionResult["check"]["findings"]) => {
    const count = (status: string) =>
      findings.filter((finding) => finding.status === status).length;
    const wrong = findings.reduce((total, finding) => total + finding.leftWrong.length, 0);
    const kept = findings.flatMap((finding) => finding.kept);
    return `${count("unchanged")} unchanged, ${count("change")} changed, ${count("create")} created, ${count("blocked")} blocked; ${wrong} left wrong; kept ${kept.join(", ") || "none"}`;
  };
  const { firstUp, secondUp } = result;
  const targets = [
    { description: "check sends 0 mutations", ok: result.checkMutations === 0 },
    { description: "0 secrets rotated", ok: firstUp.secretsRotated.length === 0 },
    { description: "0 services created", ok: firstUp.servicesCreated === 0 },
    { description: "second up 0 mutations", ok: secondUp.measurement.mutations === 0 },
    { description: "refresh: no change", ok: result.refresh.length === 0 },
  ];
  console.log("\n### (e) adopt the dashboard-made production\n");
  console.log(
    `Check (exit ${result.check.exitCode}, ${result.checkMutations} mutations): ${kinds(result.check.findings)}.`,
  );
  console.log(`Corrections the check called for: ${result.corrections.join("; ") || "none"}.`);
  console.log(
    `Check after them (exit ${result.checkCorrected.exitCode}): ${kinds(result.checkCorrected.findings)}.\n`,
  );
  console.log(
    "| step | requests | mutations | deploys | deploys by service | secrets rotated | services created |",
  );
  console.log("| --- | ---: | ---: | ---: | --- | --- | ---: |");
  const m = firstUp.measurement;
  console.log(
    `| first up | ${m.requests} | ${m.mutations} | ${m.deploys} | ${formatDeploys(firstUp.deploysByService)} | ${firstUp.secretsRotated.join(", ") || "0"} | ${firstUp.servicesCreated} |`,
  );
  const s2 = secondUp.measurement;
  console.log(
    `| second up | ${s2.requests} | ${s2.mutations} | ${s2.deploys} | ${formatDeploys(secondUp.deploysByService)} | — | — |`,
  );
  console.log(
    `| refresh | — | — | — | — | — | ${result.refresh.length ? result.refresh.map((c) => `${c.name}: ${c.keys.join(",")}`).join("; ") : "no change"} |`,
  );
  const names = Object.entries(m.mutationsByName);
  if (names.length)
    console.log(
      `\nfirst up, mutations: ${names.map(([name, count]) => (count > 1 ? `${name} ×${count}` : name)).join(", ")}`,
    );
  console.log(`targets: ${targets.map((t) => `${t.ok ? "✓" : "✗"} ${t.description}`).join("; ")}`);
  return targets;
}

async function main(): Promise<void> {
  console.log(
    "Railway rehearsal of the real stacks (`pulumi up` on the mock runtime, Railway resources through the real dynamic-provider plugin)\n",
  );
  for (const line of LEGEND) console.log(line);
  let missed = 0;
  for (const stack of STACKS) {
    const results = await rehearseStack(stack, { buildSeconds: SIMULATED_BUILD_SECONDS });
    printTable(stack, results);
    missed += results.flatMap((result) => result.targets).filter((target) => !target.ok).length;
  }
  missed += printDashboardAdoption(await rehearseDashboardAdoption()).filter(
    (target) => !target.ok,
  ).length;
  console.log("");
  console.log(
    `Scenarios: ${Object.values(SCENARIO_TITLES).join("; ")}; (e) adopt the dashboard-made production.`,
  );
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
