import { describe, expect, it } from "vitest";
import { backupScheduleViolations, longestGapHours } from "../../src/invariants/backup-schedule";

describe("longestGapHours", () => {
  it("measures the worst gap, not the average", () => {
    expect(longestGapHours("0 */6 * * *")).toBe(6);
    // 00:00, 07:00, 14:00: the overnight gap is the long one.
    expect(longestGapHours("0 0,7,14 * * *")).toBe(10);
    expect(longestGapHours("30 1 * * 1-5")).toBe(72);
  });
});

describe("backupScheduleViolations", () => {
  it("accepts every 6 hours against a 6-hour RPO", () => {
    expect(backupScheduleViolations("0 */6 * * *", 6)).toEqual([]);
  });

  it("rejects a 7-hour gap with the gap, the RPO and a fix", () => {
    expect(backupScheduleViolations("0 */7 * * *", 6)).toEqual([
      {
        rule: "backup-schedule-meets-rpo",
        message:
          'backups.schedule "0 */7 * * *" leaves gaps of up to 7 h between backups, longer than the 6 h RPO. Run at least every 6 h, e.g. "0 */6 * * *".',
      },
    ]);
  });

  it("rejects an expression that does not parse", () => {
    expect(backupScheduleViolations("every six hours", 6)[0]?.message).toContain("is not a valid cron expression");
  });
});
