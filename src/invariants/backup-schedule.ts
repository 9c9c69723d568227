import { notApplicable, undeclared, violationsVerdict, type Rule } from "./rule-kit";
import type { Violation } from "./violation";

export const backupScheduleMeetsRpo: Rule = {
  id: "backup-schedule-meets-rpo",
  description: "The backup schedule never leaves a gap longer than the RPO.",
  evaluate({ stack, outputs, expected }) {
    const { id } = backupScheduleMeetsRpo;
    const schedule = outputs.backupSchedule;
    const { rpoHours } = expected;
    if (rpoHours === undefined && schedule === undefined)
      return notApplicable(id, `${stack} schedules no backups`);
    if (rpoHours === undefined)
      return {
        rule: id,
        status: "undecided",
        message: "No RPO is configured to compare the backup schedule with.",
      };
    if (typeof schedule !== "string") return undeclared(id, "Output backupSchedule");
    return violationsVerdict(
      id,
      backupScheduleViolations(schedule, rpoHours),
      `Backups "${schedule}" never leave more than ${rpoHours} h.`,
    );
  },
};

/** Railway runs a cron service at most every 5 minutes (docs.railway.com cron-jobs). */
export const MIN_INTERVAL_MINUTES = 5;
/** Bounds of `backups.rpoHours`: Railway's shortest interval, and a week. */
export const MIN_RPO_HOURS = MIN_INTERVAL_MINUTES / 60;
export const MAX_RPO_HOURS = 168;

const ALLOWED_FORM =
  'use five fields "minute hour day-of-month month day-of-week" with numbers, *, ranges a-b, lists a,b and steps */n, e.g. "0 */6 * * *"';

interface Field {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly Field[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
  },
  // 7 is Sunday too, as in Vixie cron.
  { name: "day-of-week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

/** A five-field cron expression, each field as the set of values it matches. */
export interface ParsedCron {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday. */
  readonly daysOfWeek: ReadonlySet<number>;
  /** Whether day-of-month / day-of-week were `*` (cron ORs the two when both are restricted). */
  readonly domStar: boolean;
  readonly dowStar: boolean;
}

export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CronSyntaxError";
  }
}

function value(text: string, field: Field): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.name === "month" ? named + 1 : named;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`${field.name} "${text}" is not a number`);
  const number = Number(text);
  if (number < field.min || number > field.max) {
    throw new CronSyntaxError(`${field.name} ${number} is outside ${field.min}-${field.max}`);
  }
  return number;
}

function parseField(text: string, field: Field): { values: number[]; star: boolean } {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match)
      throw new CronSyntaxError(
        `${field.name} "${item}" is not a number, *, a range a-b or a step */n`,
      );
    const [, range = "", stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronSyntaxError(`${field.name} step "/${stepText}" must be at least 1`);
    let from: number;
    let to: number;
    if (range === "*") {
      [from, to] = [field.min, field.max];
    } else if (range.includes("-")) {
      const [a = "", b = ""] = range.split("-");
      [from, to] = [value(a, field), value(b, field)];
      if (from > to) throw new CronSyntaxError(`${field.name} range "${range}" runs backwards`);
    } else {
      from = value(range, field);
      // "a/n" means a, a+n, … up to the field's maximum (Vixie cron).
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values: [...values].sort((a, b) => a - b), star: text === "*" };
}

/**
 * Parses a standard five-field cron expression. Six fields (seconds), `@hourly`-style
 * macros and Jenkins' `H`, `?`, `L`, `W` and `#` are refused: Railway takes five fields.
 */
export function parseCron(expression: string): ParsedCron {
  const text = expression.trim();
  if (text.startsWith("@"))
    throw new CronSyntaxError(`macros such as "${text.split(/\s/)[0]}" are not accepted`);
  const parts = text.split(/\s+/).filter(Boolean);
  if (parts.length !== 5)
    throw new CronSyntaxError(
      `it has ${parts.length} field${parts.length === 1 ? "" : "s"}, not 5`,
    );
  const [minute, hour, dom, month, dow] = parts.map((part, index) =>
    parseField(part, FIELDS[index] as Field),
  ) as [
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
    ReturnType<typeof parseField>,
  ];
  return {
    minutes: minute.values,
    hours: hour.values,
    daysOfMonth: new Set(dom.values),
    months: new Set(month.values),
    daysOfWeek: new Set(dow.values.map((day) => day % 7)),
    domStar: dom.star,
    dowStar: dow.star,
  };
}

/** The Gregorian calendar repeats every 400 years: 146097 days, a whole number of weeks. */
const CYCLE_DAYS = 146_097;
const CYCLE_FIRST_YEAR = 2000;
/** 2000-01-01 was a Saturday. */
const CYCLE_FIRST_WEEKDAY = 6;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function runsOn(cron: ParsedCron, dayOfMonth: number, weekday: number): boolean {
  const dom = cron.daysOfMonth.has(dayOfMonth);
  const dow = cron.daysOfWeek.has(weekday);
  if (cron.domStar && cron.dowStar) return true;
  if (cron.domStar) return dow;
  if (cron.dowStar) return dom;
  return dom || dow; // both restricted: cron runs on either
}

/**
 * Shortest and longest distance, in days, between consecutive days the schedule runs on
 * (cyclic). Every day runs when no day field is restricted; otherwise one pass over the
 * 400-year cycle by month and day (at most 146097 checks, months not in the schedule
 * skipped whole): bounded, and never a per-minute walk.
 */
function dayGaps(cron: ParsedCron): { shortest: number; longest: number } | undefined {
  if (cron.domStar && cron.dowStar && cron.months.size === 12) return { shortest: 1, longest: 1 };
  let first: number | undefined;
  let previous: number | undefined;
  let shortest = Infinity;
  let longest = 0;
  let index = 0;
  for (let year = CYCLE_FIRST_YEAR; year < CYCLE_FIRST_YEAR + 400; year++) {
    for (let month = 1; month <= 12; month++) {
      const length = daysInMonth(year, month);
      if (cron.months.has(month)) {
        for (let day = 1; day <= length; day++) {
          const today = index + day - 1;
          if (!runsOn(cron, day, (CYCLE_FIRST_WEEKDAY + today) % 7)) continue;
          if (previous !== undefined) {
            shortest = Math.min(shortest, today - previous);
            longest = Math.max(longest, today - previous);
          }
          first ??= today;
          previous = today;
        }
      }
      index += length;
    }
  }
  if (first === undefined || previous === undefined) return undefined;
  const wrap = first + CYCLE_DAYS - previous;
  return { shortest: Math.min(shortest, wrap), longest: Math.max(longest, wrap) };
}

export interface ScheduleGaps {
  /** Longest time between two consecutive runs, in minutes. */
  readonly longestMinutes: number;
  /** Shortest time between two consecutive runs, in minutes. */
  readonly shortestMinutes: number;
}

/**
 * The shortest and longest interval between consecutive runs of a UTC cron expression,
 * computed from the parsed fields: every run day has the same times of day (hours × minutes,
 * at most 1440), so the gaps are those within a day and those from a run day's last time
 * to the next run day's first. Undefined when the expression never runs (e.g. "0 0 30 2 *").
 */
export function scheduleGaps(cron: string | ParsedCron): ScheduleGaps | undefined {
  const parsed = typeof cron === "string" ? parseCron(cron) : cron;
  const times = parsed.hours.flatMap((hour) => parsed.minutes.map((minute) => hour * 60 + minute));
  const days = dayGaps(parsed);
  const first = times[0];
  const last = times.at(-1);
  if (!days || first === undefined || last === undefined) return undefined;
  let longest = days.longest * 1440 - (last - first);
  let shortest = days.shortest * 1440 - (last - first);
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] as number) - (times[i - 1] as number);
    longest = Math.max(longest, gap);
    shortest = Math.min(shortest, gap);
  }
  return { longestMinutes: longest, shortestMinutes: shortest };
}

/** The longest interval, in hours, between two consecutive runs of a UTC cron expression. */
export function longestGapHours(cron: string): number {
  const gaps = scheduleGaps(cron);
  if (!gaps) throw new CronSyntaxError(`"${cron}" never runs`);
  return gaps.longestMinutes / 60;
}

/**
 * A valid five-field schedule whose longest gap is at most `rpoHours` (which must lie within
 * the bounds): every n minutes below an hour, every n hours below a day (the last gap before
 * midnight is then shorter, never longer), else daily.
 */
export function suggestedSchedule(rpoHours: number): string {
  const minutes = Math.floor(rpoHours * 60 + 1e-9);
  // A step that divides 60, so the gap over the full hour is the same (*/59 would run at :59 and :00).
  if (minutes < 60)
    return `*/${[30, 20, 15, 12, 10, 6, 5].find((step) => step <= minutes) ?? MIN_INTERVAL_MINUTES} * * * *`;
  const hours = Math.floor(minutes / 60);
  if (hours === 1) return "0 * * * *";
  if (hours < 24) return `0 */${hours} * * *`;
  return "0 0 * * *";
}

function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function rpoHoursViolations(rpoHours: number): Violation[] {
  if (Number.isFinite(rpoHours) && rpoHours >= MIN_RPO_HOURS && rpoHours <= MAX_RPO_HOURS)
    return [];
  return [
    {
      rule: backupScheduleMeetsRpo.id,
      message: `backups.rpoHours is ${rpoHours}; it must lie between ${MIN_RPO_HOURS.toFixed(4)} (Railway's 5-minute cron minimum) and ${MAX_RPO_HOURS} (a week).`,
    },
  ];
}

/** Railway runs cron services in UTC; the worst case of data loss is the longest gap between dumps. */
export function backupScheduleViolations(cron: string, rpoHours: number): Violation[] {
  const bounds = rpoHoursViolations(rpoHours);
  if (bounds.length) return bounds;
  const fix = suggestedSchedule(rpoHours);
  let gaps: ScheduleGaps | undefined;
  try {
    gaps = scheduleGaps(cron);
  } catch (error) {
    if (!(error instanceof CronSyntaxError)) throw error;
    return [
      {
        rule: backupScheduleMeetsRpo.id,
        message: `backups.schedule "${cron}" is not accepted: ${error.message}; ${ALLOWED_FORM}.`,
      },
    ];
  }
  if (!gaps) {
    return [
      {
        rule: backupScheduleMeetsRpo.id,
        message: `backups.schedule "${cron}" matches no date, so no backup would ever run; use e.g. "${fix}".`,
      },
    ];
  }
  const violations: Violation[] = [];
  if (gaps.shortestMinutes < MIN_INTERVAL_MINUTES) {
    violations.push({
      rule: backupScheduleMeetsRpo.id,
      message: `backups.schedule "${cron}" runs ${formatMinutes(gaps.shortestMinutes)} apart at times; Railway runs a cron job at most every ${MIN_INTERVAL_MINUTES} min. Use e.g. "${fix}".`,
    });
  }
  if (gaps.longestMinutes > rpoHours * 60) {
    violations.push({
      rule: backupScheduleMeetsRpo.id,
      message: `backups.schedule "${cron}" leaves gaps of up to ${formatMinutes(gaps.longestMinutes)} between backups, longer than the ${rpoHours} h RPO. Run at least every ${rpoHours} h, e.g. "${fix}".`,
    });
  }
  return violations;
}

/**
 * The most runs a UTC cron expression makes in one calendar month, over the 400-year cycle:
 * the month a monthly allowance must survive (a 31-day month for a daily schedule).
 */
export function maxRunsPerMonth(cron: string | ParsedCron): number {
  const parsed = typeof cron === "string" ? parseCron(cron) : cron;
  const perDay = parsed.hours.length * parsed.minutes.length;
  let most = 0;
  let index = 0;
  for (let year = CYCLE_FIRST_YEAR; year < CYCLE_FIRST_YEAR + 400; year++) {
    for (let month = 1; month <= 12; month++) {
      const length = daysInMonth(year, month);
      if (parsed.months.has(month)) {
        let days = 0;
        for (let day = 1; day <= length; day++)
          if (runsOn(parsed, day, (CYCLE_FIRST_WEEKDAY + index + day - 1) % 7)) days++;
        most = Math.max(most, days);
      }
      index += length;
    }
  }
  return most * perDay;
}
