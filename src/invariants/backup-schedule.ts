import { CronExpressionParser } from "cron-parser";
import type { Violation } from "./violation";

export const SCHEDULE_RULE = "backup-schedule-meets-rpo";

/** A year covers every pattern a five-field cron can express except leap-day ones. */
const HORIZON_MS = 366 * 24 * 3600 * 1000;
const FROM = Date.UTC(2026, 0, 1);

/** The longest interval, in hours, between two consecutive runs of a UTC cron expression. */
export function longestGapHours(cron: string): number {
  const expression = CronExpressionParser.parse(cron, { currentDate: FROM, tz: "UTC" });
  let previous = expression.next().getTime();
  const first = previous;
  let longest = 0;
  while (previous - first < HORIZON_MS) {
    const next = expression.next().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest / 3_600_000;
}

/** Railway runs cron services in UTC; the worst case of data loss is the longest gap between dumps. */
export function backupScheduleViolations(cron: string, rpoHours: number): Violation[] {
  let gap: number;
  try {
    gap = longestGapHours(cron);
  } catch (error) {
    return [
      {
        rule: SCHEDULE_RULE,
        message: `backups.schedule "${cron}" is not a valid cron expression (${(error as Error).message}); use five fields, e.g. "0 */6 * * *".`,
      },
    ];
  }
  if (gap > rpoHours) {
    return [
      {
        rule: SCHEDULE_RULE,
        message: `backups.schedule "${cron}" leaves gaps of up to ${gap} h between backups, longer than the ${rpoHours} h RPO. Run at least every ${rpoHours} h, e.g. "0 */${rpoHours} * * *".`,
      },
    ];
  }
  return [];
}
