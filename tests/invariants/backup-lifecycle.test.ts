import { describe, expect, it } from "vitest";
import { backupLifecycleRules } from "../../src/components/backup-bucket";
import {
  lifecycleRetentionViolations,
  type LifecycleRuleShape,
} from "../../src/invariants/backup-lifecycle";

const DAY = 86_400;
const good = (): LifecycleRuleShape[] => backupLifecycleRules(30) as LifecycleRuleShape[];

describe("lifecycleRetentionViolations", () => {
  it("accepts the component's rules for the configured days", () => {
    expect(lifecycleRetentionViolations(good(), 30)).toEqual([]);
  });

  it("rejects days written where R2 expects seconds", () => {
    const rules = [
      { ...good()[0], deleteObjectsTransition: { condition: { type: "Age", maxAge: 30 } } },
    ];
    const messages = lifecycleRetentionViolations(rules, 30).map((v) => v.message);
    expect(messages[0]).toContain(`maxAge ${30 * DAY} s; R2 counts seconds`);
    expect(messages[1]).toContain("before the 30-day retention");
  });

  it("rejects a retention that differs from the config", () => {
    expect(lifecycleRetentionViolations(good(), 14)[0]?.message).toContain("after 14 days");
  });

  it("rejects a disabled rule and a rule limited to a prefix", () => {
    expect(
      lifecycleRetentionViolations([{ ...good()[0], enabled: false }], 30).map((v) => v.message),
    ).toEqual([
      `No enabled lifecycle rule deletes all objects after 30 days (maxAge ${30 * DAY} s; R2 counts seconds). Found maxAge none. Set deleteObjectsTransition.condition.maxAge to ${30 * DAY}.`,
      "No rule aborts incomplete multipart uploads; declaring lifecycle rules replaces R2's default one, so add abortMultipartUploadsTransition.",
    ]);
    expect(
      lifecycleRetentionViolations([{ ...good()[0], conditions: { prefix: "daily/" } }], 30)[0]
        ?.message,
    ).toContain("deletes all objects");
  });

  it("requires the abort-incomplete-multipart rule that declaring rules removes", () => {
    const rules = [{ ...good()[0], abortMultipartUploadsTransition: undefined }];
    expect(lifecycleRetentionViolations(rules, 30)[0]?.message).toContain(
      "abortMultipartUploadsTransition",
    );
  });
});
