// The tests Stryker runs (stryker.config.mjs): those that import the provider core in-process.
// Not the rehearsal or subprocess plans: a child process never sees the active mutant, and an
// instrumented provider crashes once serialized. Chosen here rather than with Stryker's
// `testFiles`, which activates module-level ("static") mutants too late, so they all survive
// (stryker-mutator/stryker-js#6144, #6209).
import base from "./vitest.config.mts";

// One run of these files alone: the base config's projects would each bring their own file list.
const { projects: _projects, ...test } = base.test;

export default {
  ...base,
  test: {
    ...test,
    include: [
      "tests/railway/client.test.ts",
      "tests/railway/deployments.test.ts",
      "tests/railway/environment-config.test.ts",
      "tests/railway/service-config.test.ts",
      "tests/railway/service-config-check.test.ts",
      "tests/railway/service-config-paths.test.ts",
      "tests/railway/service-patch.test.ts",
      "tests/railway/service.test.ts",
    ],
  },
};
