import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "../src/invariants/catalogue";
import { DEPLOYED_ENVIRONMENTS } from "../src/invariants/environment";
import { runPlan } from "../src/offline/plan";

const ROOT = path.resolve(__dirname, "..");

/**
 * The one test of each committed stack file as a whole: what it holds is for the seed test
 * (tests/seed.test.ts) and the tests of each part, which build their own config.
 */
describe("the committed stack files", () => {
  for (const stack of DEPLOYED_ENVIRONMENTS) {
    it(`Pulumi.${stack}.yaml parses, and every rule holds`, async () => {
      const { document } = await runPlan(ROOT, stack);
      expect(document.invariants.map((result) => result.rule)).toEqual(
        RULES.map((rule) => rule.id),
      );
      const unmet = document.invariants.filter(
        (result) => result.status !== "pass" && result.status !== "not-applicable",
      );
      expect(unmet, unmet.map((result) => `${result.rule}: ${result.message}`).join("\n")).toEqual(
        [],
      );
    });
  }
});
