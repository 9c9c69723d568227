import { maxRunsPerMonth, suggestedSchedule } from "./backup-schedule";
import { NEON_PLAN_LIMITS, type NeonPlan } from "./neon-plan";
import { notApplicable, violationsVerdict, type Rule } from "./rule-kit";
import type { Violation } from "./violation";

/** Backups and the app against the plan's monthly public transfer, from the schedule the stack exports. */
export const neonTransferWithinPlan: Rule = {
  id: "neon-transfer-within-plan",
  description:
    "Dumps a month × backups.expectedDumpMB + the app's transfer fit the Neon plan's monthly public transfer.",
  evaluate({ stack, outputs, expected }) {
    const { id } = neonTransferWithinPlan;
    const schedule = outputs.backupSchedule;
    if (typeof schedule !== "string" && expected.appTransferGBPerMonth === undefined) {
      return notApplicable(id, `${stack} schedules no backups and estimates no app transfer`);
    }
    if (expected.neonPlan === undefined)
      return {
        rule: id,
        status: "undecided",
        message: "The Neon plan is unknown here, so its transfer allowance cannot be compared.",
      };
    if (typeof schedule === "string" && expected.expectedDumpMB === undefined) {
      return {
        rule: id,
        status: "undecided",
        message:
          "backups.expectedDumpMB is unknown here, so the backups' transfer cannot be computed.",
      };
    }
    const budget = {
      plan: expected.neonPlan,
      schedule: typeof schedule === "string" ? schedule : undefined,
      rpoHours: expected.rpoHours,
      dumpMB: expected.expectedDumpMB,
      appGBPerMonth: expected.appTransferGBPerMonth,
    };
    try {
      return violationsVerdict(
        id,
        transferViolations(budget),
        `${monthlyTransfer(budget).figure}.`,
      );
    } catch {
      // An unreadable schedule is backup-schedule-meets-rpo's to report.
      return {
        rule: id,
        status: "undecided",
        message: `backups.schedule "${schedule}" is not a schedule this rule can count.`,
      };
    }
  },
};

/** What leaves Neon over the internet in a month: full dumps pulled by the backup job, and the app's own traffic. */
export interface NeonTransferBudget {
  readonly plan: NeonPlan;
  /** The backup cron; undefined when the stack runs no backups. */
  readonly schedule?: string;
  readonly rpoHours?: number;
  /** One dump as pg_dump streams it (before the job's gzip), `backups.expectedDumpMB`. */
  readonly dumpMB?: number;
  /** `neon.appTransferGBPerMonth`; unset counts as 0 and the figure says so. */
  readonly appGBPerMonth?: number;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Dumps a month and GB a month, with the terms for the message. */
export function monthlyTransfer(budget: NeonTransferBudget): {
  dumps: number;
  backupGB: number;
  totalGB: number;
  figure: string;
} {
  const dumps = budget.schedule === undefined ? 0 : maxRunsPerMonth(budget.schedule);
  const backupGB = (dumps * (budget.dumpMB ?? 0)) / 1000;
  const totalGB = backupGB + (budget.appGBPerMonth ?? 0);
  const backups =
    budget.schedule === undefined
      ? "no backups"
      : `${dumps} dumps a month ("${budget.schedule}") × ${budget.dumpMB} MB = ${round(backupGB)} GB`;
  const app =
    budget.appGBPerMonth === undefined
      ? "app transfer not estimated (neon.appTransferGBPerMonth)"
      : `app ${budget.appGBPerMonth} GB`;
  return {
    dumps,
    backupGB,
    totalGB,
    figure: `${backups} + ${app} = ${round(totalGB)} GB of the Neon ${budget.plan} plan's ${NEON_PLAN_LIMITS[budget.plan].publicTransferGBPerMonth} GB public transfer a month`,
  };
}

/**
 * Neon counts every byte a dump pulls as public transfer, and on the Free plan suspends the
 * compute when the month's allowance is gone (neon.com/docs/introduction/plans): the app then goes
 * down with its backups. A full dump per run, every run of the worst month, plus the app's own.
 */
export function transferViolations(budget: NeonTransferBudget): Violation[] {
  const allowance = NEON_PLAN_LIMITS[budget.plan].publicTransferGBPerMonth;
  const { totalGB, figure } = monthlyTransfer(budget);
  if (totalGB <= allowance) return [];
  const head = `${figure[0]?.toUpperCase()}${figure.slice(1).replace(" of the ", ", over the ")}; Neon suspends the compute when it runs out.`;
  const spare = allowance - (budget.appGBPerMonth ?? 0);
  if (budget.schedule === undefined || !budget.dumpMB || spare <= 0) {
    return [
      {
        rule: neonTransferWithinPlan.id,
        message: `${head} Lower neon.appTransferGBPerMonth's traffic or move to a paid Neon plan.`,
      },
    ];
  }
  const fitting = Math.floor((spare * 1000) / budget.dumpMB);
  // The worst month has 744 hours; dumps that far apart fit it.
  const hoursApart = fitting > 0 ? Math.ceil(744 / fitting) : Infinity;
  const atRpo = budget.rpoHours === undefined ? undefined : suggestedSchedule(budget.rpoHours);
  if (atRpo !== undefined && monthlyTransfer({ ...budget, schedule: atRpo }).totalGB <= allowance) {
    return [
      {
        rule: neonTransferWithinPlan.id,
        message: `${head} Dump only as often as the ${budget.rpoHours} h RPO needs: backups.schedule "${atRpo}" fits.`,
      },
    ];
  }
  const rpo = budget.rpoHours === undefined ? "" : ` that meets the ${budget.rpoHours} h RPO`;
  // Below a day, suggestedSchedule keeps gaps under the hours asked; past it, it would dump daily.
  const fix =
    hoursApart < 24
      ? `No schedule${rpo} fits: at most ${fitting} dumps of ${budget.dumpMB} MB a month do, one every ${hoursApart} h ` +
        `(backups.rpoHours ${hoursApart}, schedule "${suggestedSchedule(hoursApart)}"); or move to a paid Neon plan.`
      : `No schedule${rpo} fits: fewer than one dump of ${budget.dumpMB} MB a day does. Move to a paid Neon plan.`;
  return [{ rule: neonTransferWithinPlan.id, message: `${head} ${fix}` }];
}
