import { describe, expect, it } from "vitest";
import { historyRetentionViolations } from "../../src/invariants/neon-plan";

describe("historyRetentionViolations", () => {
  it("accepts the Free plan's 6-hour maximum", () => {
    expect(historyRetentionViolations(21_600, "free")).toEqual([]);
  });

  it("rejects 86400 s on Free with the allowed range", () => {
    expect(historyRetentionViolations(86_400, "free")[0]?.message).toBe(
      'historyRetentionSeconds is 86400, but the Neon free plan allows 0 to 21600 (Neon answers HTTP 400 "exceeds allowed maximum"). Set it to 21600 or less.',
    );
  });

  it("rejects negative and fractional windows, with the allowed range", () => {
    for (const seconds of [-1, 1.5]) {
      expect(historyRetentionViolations(seconds, "free")).toEqual([
        {
          rule: "pitr-within-plan",
          message: `historyRetentionSeconds is ${seconds}, but the Neon free plan allows 0 to 21600 (Neon answers HTTP 400 "exceeds allowed maximum"). Set it to 21600 or less.`,
        },
      ]);
    }
  });
});
