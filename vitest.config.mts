import { configDefaults, defineConfig } from "vitest/config";

/**
 * Files that run `up` through the rehearsal engine share worker processes: the first `up` in a
 * process loads TypeScript and serializes every provider (seconds), later ones reuse that. Each
 * `up` still gets its own simulator and its own dynamic-provider plugin process, and its program
 * runs through `runProgramOffline`, which sets the mocks afresh for each run.
 */
const REHEARSALS = ["tests/rehearsal/**/*.test.ts", "tests/offline/adoption-check.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    // Vitest's default leaves one core idle; the rehearsals wait on child processes and sockets besides.
    maxWorkers: "100%",
    // Runs in each test worker before a test file loads the Pulumi SDK (see the module's comment).
    setupFiles: ["test-support/defer-sdk-modules.ts"],
    // Says once why the schema-bound (or PostgreSQL-bound) tests skip where it is missing.
    globalSetup: ["test-support/schema-notice.ts", "test-support/postgres-notice.ts"],
    projects: [
      {
        extends: true,
        // Each file gets its own Pulumi mock runtime; sharing one leaks stack names and registrations.
        test: {
          name: "unit",
          include: ["tests/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...REHEARSALS],
          isolate: true,
        },
      },
      { extends: true, test: { name: "rehearsal", include: REHEARSALS, isolate: false } },
    ],
  },
});
