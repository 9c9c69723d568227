import { describe, expect, it } from "vitest";
import {
  backupScheduleMeetsRpo,
  backupScheduleViolations,
  longestGapHours,
  MAX_RPO_HOURS,
  MIN_RPO_HOURS,
  parseCron,
  scheduleGaps,
  suggestedSchedule,
} from "../../src/invariants/backup-schedule";

const ALLOWED =
  'use five fields "minute hour day-of-month month day-of-week" with numbers, *, ranges a-b, lists a,b and steps */n, e.g. "0 */6 * * *".';

describe("scheduleGaps", () => {
  it("measures the worst gap, not the average", () => {
    expect(longestGapHours("0 */6 * * *")).toBe(6);
    // 00:00, 07:00, 14:00: the overnight gap is the long one.
    expect(longestGapHours("0 0,7,14 * * *")).toBe(10);
    // Friday 01:30 to Monday 01:30.
    expect(longestGapHours("30 1 * * 1-5")).toBe(72);
    expect(scheduleGaps("0 0,7,14 * * *")).toEqual({ longestMinutes: 600, shortestMinutes: 420 });
  });

  it("answers every-minute schedules from the fields (no walk over the minutes of a year)", () => {
    expect(scheduleGaps("* * * * *")).toEqual({ longestMinutes: 1, shortestMinutes: 1 });
    expect(scheduleGaps("*/5 * * * *")).toEqual({ longestMinutes: 5, shortestMinutes: 5 });
    expect(scheduleGaps("0-4 * * * *")).toEqual({ longestMinutes: 56, shortestMinutes: 1 });
  });

  it("restricts days by month, day of month and weekday, ORing the two day fields as cron does", () => {
    // The 30th skips February: 30 January → 30 March is 59 days, 60 in a leap year.
    expect(scheduleGaps("0 0 30 * *")?.longestMinutes).toBe(60 * 1440);
    expect(scheduleGaps("0 0 * * 0")).toEqual({
      longestMinutes: 7 * 1440,
      shortestMinutes: 7 * 1440,
    });
    // The 13th or any Friday: consecutive days at best (Thu 13th, Fri 14th), a week at worst.
    expect(scheduleGaps("0 0 13 * 5")).toEqual({ longestMinutes: 7 * 1440, shortestMinutes: 1440 });
    // 30 June → 1 June next year, across a 29 February.
    expect(scheduleGaps("0 12 * 6 *")?.longestMinutes).toBe((366 - 29) * 1440);
  });

  it("knows a schedule that never runs, and a leap day that skips 2100", () => {
    expect(scheduleGaps("0 0 30 2 *")).toBeUndefined();
    expect(scheduleGaps("0 0 29 2 *")?.longestMinutes).toBe((365 * 8 + 1) * 1440); // 2096 → 2104
  });
});

describe("parseCron", () => {
  it("accepts names, ranges, lists, steps and Sunday as 7", () => {
    const cron = parseCron("5-10/5 0,12 1 JAN-mar sun,7");
    expect(cron.minutes).toEqual([5, 10]);
    expect(cron.hours).toEqual([0, 12]);
    expect([...cron.months]).toEqual([1, 2, 3]);
    expect([...cron.daysOfWeek]).toEqual([0]);
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
    expect(backupScheduleViolations("0 0,7,14 * * *", 7.5)[0]?.message).toBe(
      'backups.schedule "0 0,7,14 * * *" leaves gaps of up to 10 h between backups, longer than the 7.5 h RPO. Run at least every 7.5 h, e.g. "0 */7 * * *".',
    );
  });

  it.each([
    ["0 */6 * * * *", "it has 6 fields, not 5"],
    ["* * * * * *", "it has 6 fields, not 5"],
    ["0 */6 * *", "it has 4 fields, not 5"],
    ["@hourly", 'macros such as "@hourly" are not accepted'],
    ["@every 6h", 'macros such as "@every" are not accepted'],
    ["H */6 * * *", 'minute "H" is not a number'],
    ["0 */6 ? * *", 'day-of-month "?" is not a number, *, a range a-b or a step */n'],
    ["0 */6 L * *", 'day-of-month "L" is not a number'],
    ["0 */6 * * 5#3", 'day-of-week "5#3" is not a number, *, a range a-b or a step */n'],
    ["0 24 * * *", "hour 24 is outside 0-23"],
    ["0 */0 * * *", 'hour step "/0" must be at least 1'],
    ["0 10-2 * * *", 'hour range "10-2" runs backwards'],
    ["every six hours", "it has 3 fields, not 5"],
  ])("rejects %j, saying why and which form is allowed", (cron, why) => {
    expect(backupScheduleViolations(cron, 6)).toEqual([
      {
        rule: "backup-schedule-meets-rpo",
        message: `backups.schedule "${cron}" is not accepted: ${why}; ${ALLOWED}`,
      },
    ]);
  });

  it("rejects a schedule more frequent than Railway's 5-minute minimum", () => {
    expect(backupScheduleViolations("* * * * *", 1)).toEqual([
      {
        rule: "backup-schedule-meets-rpo",
        message:
          'backups.schedule "* * * * *" runs 1 min apart at times; Railway runs a cron job at most every 5 min. Use e.g. "0 * * * *".',
      },
    ]);
    // Every 5 minutes is the minimum, and allowed; two runs 2 minutes apart once an hour are not.
    expect(backupScheduleViolations("*/5 * * * *", MIN_RPO_HOURS)).toEqual([]);
    expect(backupScheduleViolations("0,2 * * * *", 1)[0]?.message).toContain(
      "runs 2 min apart at times",
    );
  });

  it("rejects a schedule that never runs", () => {
    expect(backupScheduleViolations("0 0 30 2 *", 24)).toEqual([
      {
        rule: "backup-schedule-meets-rpo",
        message:
          'backups.schedule "0 0 30 2 *" matches no date, so no backup would ever run; use e.g. "0 0 * * *".',
      },
    ]);
  });

  it("rejects an RPO outside 5 minutes to a week", () => {
    for (const rpo of [0, 0.05, 169, Number.NaN]) {
      expect(backupScheduleViolations("0 */6 * * *", rpo)).toEqual([
        {
          rule: "backup-schedule-meets-rpo",
          message: `backups.rpoHours is ${rpo}; it must lie between 0.0833 (Railway's 5-minute cron minimum) and 168 (a week).`,
        },
      ]);
    }
  });
});

describe("suggestedSchedule", () => {
  it("is valid cron that meets the RPO and Railway's minimum, for every RPO in bounds", () => {
    const rpos = [
      MIN_RPO_HOURS,
      0.1,
      0.25,
      0.5,
      0.99,
      1,
      1.5,
      2,
      5,
      7.5,
      11,
      12,
      13,
      23,
      23.99,
      24,
      25,
      48,
      100,
      MAX_RPO_HOURS,
    ];
    for (let minutes = 5; minutes <= MAX_RPO_HOURS * 60; minutes += 7) rpos.push(minutes / 60);
    for (const rpo of rpos) {
      const schedule = suggestedSchedule(rpo);
      expect(backupScheduleViolations(schedule, rpo), `${rpo} h → ${schedule}`).toEqual([]);
    }
  });

  it("picks the least frequent simple schedule", () => {
    expect(suggestedSchedule(MIN_RPO_HOURS)).toBe("*/5 * * * *");
    expect(suggestedSchedule(0.5)).toBe("*/30 * * * *");
    expect(suggestedSchedule(0.99)).toBe("*/30 * * * *");
    expect(suggestedSchedule(0.2)).toBe("*/12 * * * *");
    expect(suggestedSchedule(1.5)).toBe("0 * * * *");
    // 0, 5, 10, 15, 20 h: the gap over midnight is 4 h, within the RPO.
    expect(suggestedSchedule(5)).toBe("0 */5 * * *");
    expect(suggestedSchedule(7.5)).toBe("0 */7 * * *");
    expect(suggestedSchedule(48)).toBe("0 0 * * *");
  });
});

describe("rule backup-schedule-meets-rpo on a stack", () => {
  const evaluate = (outputs: Record<string, unknown>, rpoHours?: number) =>
    backupScheduleMeetsRpo.evaluate({
      stack: "production",
      resources: [],
      outputs,
      expected: { appUrlScheme: "postgresql+asyncpg", rpoHours },
    });

  it("holds for a schedule within the RPO and fails one beyond it", () => {
    expect(evaluate({ backupSchedule: "0 */6 * * *" }, 6)).toMatchObject({ status: "pass" });
    expect(evaluate({ backupSchedule: "0 5 * * *" }, 6)).toMatchObject({ status: "fail" });
  });

  it("fails a stack with an RPO that exports no schedule: its backups are not declared", () => {
    expect(evaluate({}, 6)).toEqual({
      rule: "backup-schedule-meets-rpo",
      status: "fail",
      message: "Output backupSchedule is not declared, so the rule cannot hold; declare it.",
    });
  });

  it("is undecided with a schedule but no RPO, and not applicable with neither", () => {
    expect(evaluate({ backupSchedule: "0 */6 * * *" })).toMatchObject({ status: "undecided" });
    expect(evaluate({})).toMatchObject({ status: "not-applicable" });
  });
});
