import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Each file gets its own Pulumi mock runtime; sharing one leaks stack names and registrations.
    isolate: true,
    testTimeout: 20_000,
    // Runs in each test file's worker before the file loads the Pulumi SDK (see the module's comment).
    setupFiles: ["src/offline/defer-sdk-modules.ts"],
    // Says once why the schema-bound (or PostgreSQL-bound) tests skip where it is missing.
    globalSetup: ["test-support/schema-notice.ts", "test-support/postgres-notice.ts"],
  },
});
