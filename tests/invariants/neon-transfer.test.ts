import { describe, expect, it } from "vitest";
import { maxRunsPerMonth } from "../../src/invariants/backup-schedule";
import {
  monthlyTransfer,
  transferViolations,
  type NeonTransferBudget,
} from "../../src/invariants/neon-transfer";

const production: NeonTransferBudget = {
  plan: "free",
  schedule: "0 */6 * * *",
  rpoHours: 6,
  dumpMB: 10,
  appGBPerMonth: 1,
};

describe("dumps a month", () => {
  it("counts the runs of the longest month", () => {
    expect(maxRunsPerMonth("0 */6 * * *")).toBe(124);
    expect(maxRunsPerMonth("0 0 * * *")).toBe(31);
    expect(maxRunsPerMonth("0 3 * * 1")).toBe(5);
    expect(maxRunsPerMonth("0 0 1 * *")).toBe(1);
  });
});

describe("neon-transfer-within-plan", () => {
  it("holds for production's figures, and says them", () => {
    expect(transferViolations(production)).toEqual([]);
    expect(monthlyTransfer(production).figure).toBe(
      '124 dumps a month ("0 */6 * * *") × 10 MB = 1.24 GB + app 1 GB = 2.24 GB of the Neon free plan\'s 5 GB public transfer a month',
    );
  });

  it("suggests the schedule the RPO needs when that one fits", () => {
    expect(transferViolations({ ...production, schedule: "0 * * * *", dumpMB: 30 })).toEqual([
      {
        rule: "neon-transfer-within-plan",
        message:
          '744 dumps a month ("0 * * * *") × 30 MB = 22.32 GB + app 1 GB = 23.32 GB, over the Neon free plan\'s 5 GB public transfer a month; Neon suspends the compute when it runs out. ' +
          'Dump only as often as the 6 h RPO needs: backups.schedule "0 */6 * * *" fits.',
      },
    ]);
  });

  it("past ~42 MB a dump no schedule meeting a 6 h RPO fits: it says how far apart dumps fit, or a plan change", () => {
    const [violation] = transferViolations({ ...production, dumpMB: 60 });
    expect(violation?.message).toContain(
      '124 dumps a month ("0 */6 * * *") × 60 MB = 7.44 GB + app 1 GB = 8.44 GB, over the Neon free plan\'s 5 GB',
    );
    expect(violation?.message).toContain(
      'No schedule that meets the 6 h RPO fits: at most 66 dumps of 60 MB a month do, one every 12 h (backups.rpoHours 12, schedule "0 */12 * * *"); or move to a paid Neon plan.',
    );
    expect(transferViolations({ ...production, dumpMB: 500 })[0]?.message).toContain(
      "fewer than one dump of 500 MB a day does. Move to a paid Neon plan.",
    );
  });

  it("counts the app alone when it exceeds the allowance, and says when it is not estimated", () => {
    expect(transferViolations({ plan: "free", appGBPerMonth: 6 })[0]?.message).toBe(
      "No backups + app 6 GB = 6 GB, over the Neon free plan's 5 GB public transfer a month; Neon suspends the compute when it runs out. Lower neon.appTransferGBPerMonth's traffic or move to a paid Neon plan.",
    );
    expect(monthlyTransfer({ ...production, appGBPerMonth: undefined }).figure).toContain(
      "app transfer not estimated (neon.appTransferGBPerMonth)",
    );
  });
});
