import { describe, expect, it } from "vitest";
import {
  estimatedUsageCost,
  measurementPricing,
  type EstimatedMeasurement,
} from "../../src/invariants/railway-usage";

/** A 30-day month in minutes: one GB or vCPU in use all month. */
const MONTH = 43_200;
const row = (
  measurement: string,
  estimatedValue: number,
  projectId = "prj-app",
): EstimatedMeasurement => ({ measurement, estimatedValue, projectId });

describe("estimatedUsage in dollars", () => {
  it.each([
    ["MEMORY_USAGE_GB", MONTH, 10, 1],
    ["MEMORY_USAGE_GB", 4 * MONTH, 40, 4],
    ["CPU_USAGE", MONTH, 20, 1],
    ["CPU_USAGE", MONTH / 20, 1, 0.05],
    ["NETWORK_TX_GB", 10, 0.5, undefined],
    ["DISK_USAGE_GB", 5 * MONTH, 0.75, 5],
    ["BACKUP_USAGE_GB", MONTH, 0.15, 1],
  ])("%s %d costs $%d (%s in use on average)", (measurement, quantity, usd, average) => {
    const line = estimatedUsageCost([row(measurement, quantity)], "hobby").byMeasurement.find(
      (l) => l.measurement === measurement,
    );
    expect(line?.usd).toBeCloseTo(usd, 10);
    expect(line?.averageInUse).toBe(average);
  });

  it("agrees with the per-minute prices Railway's plans page prints", () => {
    const pricing = measurementPricing("hobby");
    expect(pricing.MEMORY_USAGE_GB.usdPerUnit).toBeCloseTo(0.000231, 6);
    expect(pricing.CPU_USAGE.usdPerUnit).toBeCloseTo(0.000463, 6);
    expect(pricing.DISK_USAGE_GB.usdPerUnit).toBeCloseTo(0.000003472222222, 15);
  });

  it.each([
    // Railway's "Included Usage" examples: $3 of usage bills $5, $7 bills $7.
    ["hobby", 3, 5],
    ["hobby", 7, 7],
    ["hobby", 0, 5],
    ["pro", 25, 25],
    ["pro", 12, 20],
  ] as const)("on %s, $%d of usage is a $%d bill", (plan, usageUsd, billUsd) => {
    const cost = estimatedUsageCost([row("MEMORY_USAGE_GB", (usageUsd / 10) * MONTH)], plan);
    expect(cost.usageUsd).toBeCloseTo(usageUsd, 10);
    expect(cost.billUsd).toBeCloseTo(billUsd, 10);
  });

  it("adds a measurement's rows over the projects, and lists measurements and projects largest first", () => {
    const cost = estimatedUsageCost(
      [
        row("CPU_USAGE", MONTH / 10, "prj-app"),
        row("MEMORY_USAGE_GB", 2 * MONTH, "prj-app"),
        row("MEMORY_USAGE_GB", MONTH, "prj-backups"),
        row("NETWORK_TX_GB", 0, "prj-backups"),
      ],
      "hobby",
    );
    expect(
      cost.byMeasurement.map((line) => [line.measurement, Math.round(line.usd * 100) / 100]),
    ).toEqual([
      ["MEMORY_USAGE_GB", 30],
      ["CPU_USAGE", 2],
      ["NETWORK_TX_GB", 0],
      ["DISK_USAGE_GB", 0],
      ["BACKUP_USAGE_GB", 0],
    ]);
    expect(
      cost.byProject.map((project) => [project.projectId, Math.round(project.usd * 100) / 100]),
    ).toEqual([
      ["prj-app", 22],
      ["prj-backups", 10],
    ]);
    expect(cost.usageUsd).toBeCloseTo(32, 10);
  });

  it("refuses a measurement it has no price for, naming it", () => {
    expect(() => estimatedUsageCost([row("EPHEMERAL_DISK_USAGE_GB", 1)], "hobby")).toThrow(
      /EPHEMERAL_DISK_USAGE_GB, which has no price here/,
    );
  });

  it("an empty answer is no usage: the subscription alone", () => {
    expect(estimatedUsageCost([], "hobby")).toMatchObject({
      usageUsd: 0,
      billUsd: 5,
      byProject: [],
    });
  });
});
