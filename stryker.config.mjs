// Mutation testing of the Railway provider's core: `npm run mutation` (scripts/mutation-test.sh)
// installs Stryker outside the project and runs it with this file. Plain JS importing nothing of
// Stryker's, so neither the project's install nor its type check depends on Stryker.
import process from "node:process";

export default {
  mutate: [
    "src/railway/service-patch.ts",
    "src/railway/deployments.ts",
    "src/railway/environment-config.ts",
    "src/railway/client.ts",
    "src/railway/service-config.ts",
  ],
  testRunner: "vitest",
  // Threads break Pulumi's closure serializer; the mutation config lists the tests to run, and
  // `related` would pull in every test that imports the client, rehearsals included.
  vitest: { configFile: "vitest.mutation.config.mjs", pool: "forks", related: false },
  coverageAnalysis: "perTest",
  // Message wording is pinned where it matters by exact-text tests; mutating every string would
  // bury the behaviour mutants under text ones.
  mutator: { excludedMutations: ["StringLiteral"] },
  reporters: ["clear-text", "progress", "json"],
  // scripts/mutation-test.sh puts both outside the worktree.
  tempDirName: process.env.MUTATION_SANDBOXES ?? ".stryker-tmp",
  jsonReporter: { fileName: process.env.MUTATION_REPORT ?? "reports/mutation/mutation.json" },
  clearTextReporter: { reportMutants: false, reportTests: false },
  thresholds: { high: 90, low: 87, break: null },
  timeoutMS: 10_000,
};
