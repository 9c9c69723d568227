import { describe, expect, it } from "vitest";
import {
  computeSizeViolations,
  cuBudgetViolations,
  foreignComputeViolation,
  worstCaseCuHours,
} from "../../src/invariants/neon-compute";

const rule = "neon-cu-hours-within-plan";

describe("computeSizeViolations", () => {
  it("accepts Neon sizes within the Free plan's 0.25-2 CU", () => {
    expect(computeSizeViolations(0.25, 2, "free")).toEqual([]);
    expect(computeSizeViolations(0.5, 0.5, "free")).toEqual([]);
  });

  it("rejects a size Neon does not offer, one over the plan, and min above max, each by name", () => {
    expect(computeSizeViolations(0.3, 4, "free")).toEqual([
      {
        rule,
        message:
          "neon.compute minCu 0.3 is not a Neon compute size (0.25, 0.5 or a whole number 1-16).",
      },
      { rule, message: "neon.compute maxCu 4 is outside the Neon free plan's 0.25-2 CU." },
    ]);
    expect(computeSizeViolations(1, 0.5, "free")).toEqual([
      { rule, message: "neon.compute minCu 1 is above maxCu 0.5." },
    ]);
  });
});

describe("cuBudgetViolations", () => {
  const staging = { label: "staging's compute", minCu: 0.25, maxCu: 0.5, activeHoursPerMonth: 120 };

  it("multiplies the maximum size by the active hours (the worst case)", () => {
    expect(worstCaseCuHours(staging)).toBe(60);
    expect(cuBudgetViolations("Neon project staging", "free", [staging])).toEqual([]);
    // Exactly the allowance is still within it.
    expect(
      cuBudgetViolations("p", "free", [{ ...staging, maxCu: 2, activeHoursPerMonth: 50 }]),
    ).toEqual([]);
  });

  it("says when a project could exceed its own allowance, and by how much to cut", () => {
    expect(
      cuBudgetViolations("Neon project staging", "free", [
        { ...staging, activeHoursPerMonth: 730 },
      ]),
    ).toEqual([
      {
        rule,
        message:
          "Neon project staging may use up to 0.5 CU × 730 h = 365 CU-hours a month, over the Neon free plan's 100 per project; Neon suspends its compute when they run out. " +
          "Lower neon.compute.maxCu or neon.compute.activeHoursPerMonth (at 0.5 CU, at most 200 h).",
      },
    ]);
  });

  it("says when computes sharing one project could starve each other", () => {
    const production = {
      label: "production's compute",
      minCu: 0.25,
      maxCu: 2,
      activeHoursPerMonth: 40,
    };
    const [violation, ...rest] = cuBudgetViolations("Neon project client-fulfillment", "free", [
      production,
      staging,
    ]);
    expect(rest).toEqual([]);
    expect(violation?.message).toBe(
      "Neon project client-fulfillment bills 2 computes against one allowance (production's compute: 2 CU × 40 h = 80; staging's compute: 0.5 CU × 120 h = 60): " +
        "up to 140 CU-hours a month, over the Neon free plan's 100 per project. When it runs out Neon suspends every compute of the project, so one compute could starve the others; " +
        "give each stack its own Neon project or lower maxCu / activeHoursPerMonth.",
    );
  });
});

describe("foreignComputeViolation", () => {
  it("names the compute, the project and the fix", () => {
    expect(
      foreignComputeViolation('Endpoint "database-endpoint"', "spring-fog-49733273").message,
    ).toBe(
      'Endpoint "database-endpoint" runs in Neon project "spring-fog-49733273", which this stack does not declare: its CU-hours come out of that project\'s allowance ' +
        "(production's, for a staging branch) and it shares that project's role passwords. Give this stack its own Neon project (docs/staging-database.md).",
    );
  });
});
