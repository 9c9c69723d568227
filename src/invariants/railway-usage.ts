/**
 * Railway's own estimate of the month (`estimatedUsage`), in dollars. Railway answers quantities,
 * one per measurement and project, not dollars; Railway's CLI turns them into its "Estimated bill"
 * (railwayapp/cli `src/commands/usage.rs`, `cost_for_usage_item`) with these units: memory, CPU,
 * volume and backups in unit-minutes at the per-minute price, egress in GB.
 */
import { railwayBillUsd } from "./cost-model";
import { RAILWAY_BILLING_MINUTES_PER_MONTH, RAILWAY_PLANS, type RailwayPlan } from "./cost-prices";

/** The measurements Railway bills, as the CLI asks for them (`USAGE_MEASUREMENTS`). */
export const BILLED_MEASUREMENTS = [
  "MEMORY_USAGE_GB",
  "CPU_USAGE",
  "NETWORK_TX_GB",
  "DISK_USAGE_GB",
  "BACKUP_USAGE_GB",
] as const;
export type BilledMeasurement = (typeof BILLED_MEASUREMENTS)[number];

interface MeasurementPricing {
  readonly label: string;
  /** The unit of `estimatedValue`. */
  readonly unit: string;
  readonly usdPerUnit: number;
  /** A month's quantity divided by this is the average in use (GB, vCPU); absent for egress. */
  readonly minutes?: number;
}

/** Per unit of each measurement, from the monthly prices (per minute = monthly / 43,200). */
export function measurementPricing(
  plan: RailwayPlan,
): Readonly<Record<BilledMeasurement, MeasurementPricing>> {
  const { usage } = RAILWAY_PLANS[plan];
  const minutes = RAILWAY_BILLING_MINUTES_PER_MONTH.value;
  const perMinute = (monthly: number) => monthly / minutes;
  return {
    MEMORY_USAGE_GB: {
      label: "memory",
      unit: "GB-minutes",
      usdPerUnit: perMinute(usage.memoryGBMonth.value),
      minutes,
    },
    CPU_USAGE: {
      label: "CPU",
      unit: "vCPU-minutes",
      usdPerUnit: perMinute(usage.vCPUMonth.value),
      minutes,
    },
    NETWORK_TX_GB: { label: "egress", unit: "GB", usdPerUnit: usage.egressGB.value },
    DISK_USAGE_GB: {
      label: "volumes",
      unit: "GB-minutes",
      usdPerUnit: perMinute(usage.volumeGBMonth.value),
      minutes,
    },
    // The CLI prices backups as volume storage (PRICE_MINUTELY_BACKUP_GB = PRICE_MINUTELY_DISK_GB).
    BACKUP_USAGE_GB: {
      label: "volume backups",
      unit: "GB-minutes",
      usdPerUnit: perMinute(usage.volumeGBMonth.value),
      minutes,
    },
  };
}

/** One row of Railway's answer. */
export interface EstimatedMeasurement {
  readonly measurement: string;
  readonly estimatedValue: number;
  readonly projectId: string;
}

export interface MeasurementCost {
  readonly measurement: BilledMeasurement;
  readonly label: string;
  readonly quantity: number;
  readonly unit: string;
  /** The quantity spread over the month (GB or vCPU in use on average); absent for egress. */
  readonly averageInUse?: number;
  readonly usd: number;
}

export interface EstimatedUsageCost {
  readonly plan: RailwayPlan;
  /** Largest first. */
  readonly byMeasurement: readonly MeasurementCost[];
  /** Largest first. */
  readonly byProject: readonly { readonly projectId: string; readonly usd: number }[];
  readonly usageUsd: number;
  /** The subscription plus the usage above what it includes, as the cost model bills the workspace. */
  readonly billUsd: number;
}

/** Dollars per measurement, per project and in total; a measurement without a price is Railway's answer to fix, not a zero. */
export function estimatedUsageCost(
  estimates: readonly EstimatedMeasurement[],
  plan: RailwayPlan,
): EstimatedUsageCost {
  const pricing = measurementPricing(plan);
  const isBilled = (measurement: string): measurement is BilledMeasurement =>
    (BILLED_MEASUREMENTS as readonly string[]).includes(measurement);
  const quantities = new Map<BilledMeasurement, number>();
  const projects = new Map<string, number>();
  for (const estimate of estimates) {
    if (!isBilled(estimate.measurement)) {
      throw new Error(
        `Railway's estimatedUsage answered measurement ${estimate.measurement}, which has no price here; the billed ones are ${BILLED_MEASUREMENTS.join(", ")}.`,
      );
    }
    quantities.set(
      estimate.measurement,
      (quantities.get(estimate.measurement) ?? 0) + estimate.estimatedValue,
    );
    projects.set(
      estimate.projectId,
      (projects.get(estimate.projectId) ?? 0) +
        estimate.estimatedValue * pricing[estimate.measurement].usdPerUnit,
    );
  }
  const byMeasurement = BILLED_MEASUREMENTS.map((measurement): MeasurementCost => {
    const { label, unit, usdPerUnit, minutes } = pricing[measurement];
    const quantity = quantities.get(measurement) ?? 0;
    return {
      measurement,
      label,
      quantity,
      unit,
      ...(minutes ? { averageInUse: quantity / minutes } : {}),
      usd: quantity * usdPerUnit,
    };
  }).sort((a, b) => b.usd - a.usd);
  const usageUsd = byMeasurement.reduce((sum, line) => sum + line.usd, 0);
  return {
    plan,
    byMeasurement,
    byProject: [...projects]
      .map(([projectId, usd]) => ({ projectId, usd }))
      .sort((a, b) => b.usd - a.usd),
    usageUsd,
    billUsd: railwayBillUsd(plan, usageUsd),
  };
}
