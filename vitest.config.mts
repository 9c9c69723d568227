import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // Each file gets its own Pulumi mock runtime; sharing one leaks stack names and registrations.
    isolate: true,
    testTimeout: 20_000,
    // Says once why the schema-bound (or PostgreSQL-bound) tests skip where it is missing.
    globalSetup: ["test-support/schema-notice.ts", "test-support/postgres-notice.ts"],
  },
});
