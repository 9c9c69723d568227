import { describe, expect, it } from "vitest";
import { resolveToken } from "../../src/railway/credentials";
import { ProjectProvider } from "../../src/railway/project";
import { configRequest } from "../../test-support/railway-harness";

describe("resolveToken", () => {
  it("prefers stack config over the environment and says where the token came from", () => {
    expect(resolveToken("from-config", { RAILWAY_API_TOKEN: "from-env" })).toEqual({
      token: "from-config",
      source: "stack config railway:token",
    });
    expect(resolveToken(undefined, { RAILWAY_API_TOKEN: "from-env" })).toEqual({
      token: "from-env",
      source: "environment variable RAILWAY_API_TOKEN",
    });
  });

  it("explains both ways to set a missing token", () => {
    expect(() => resolveToken(undefined, {})).toThrow(
      "No Railway API token: set it with `pulumi config set --secret railway:token <token>` or export RAILWAY_API_TOKEN.",
    );
  });
});

describe("provider configuration", () => {
  it("fails a lifecycle call with the fix when no token is configured", async () => {
    const saved = process.env.RAILWAY_API_TOKEN;
    delete process.env.RAILWAY_API_TOKEN;
    try {
      const provider = new ProjectProvider();
      await provider.configure(configRequest({}));
      await expect(provider.read("prj-1")).rejects.toThrow("railway:token");
    } finally {
      if (saved !== undefined) process.env.RAILWAY_API_TOKEN = saved;
    }
  });
});
