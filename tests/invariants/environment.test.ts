import { describe, expect, it } from "vitest";
import { environmentViolations } from "../../src/invariants/environment";

describe("environmentViolations", () => {
  it("accepts the stack's own name", () => {
    expect(environmentViolations("staging", "staging")).toEqual([]);
    expect(environmentViolations("production", "production")).toEqual([]);
  });

  it("rejects development, explaining that it turns SSL off", () => {
    expect(environmentViolations("development", "production")).toEqual([
      {
        rule: "environment-matches-stack",
        message:
          'ENVIRONMENT is "development"; it must be "staging" or "production" ("development" turns database SSL off in the app). Set it to "production".',
      },
    ]);
  });

  it("rejects the other deployed environment and non-strings", () => {
    expect(environmentViolations("staging", "production")[0]?.message).toBe(
      'ENVIRONMENT is "staging" but the stack is "production"; set it to "production".',
    );
    expect(environmentViolations(undefined, "staging")).toHaveLength(1);
  });
});
