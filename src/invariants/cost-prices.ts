/**
 * The prices the cost estimate multiplies by: each one with the page it was read on and when,
 * so a stale number is visible in review (tests fail on a price without both). Prices change;
 * re-read the page and bump `readOn` together with the value.
 */

/** One published number (a price in USD, a limit or a free allowance); `source` is the page that states it. */
export interface Sourced {
  readonly value: number;
  readonly unit: string;
  readonly source: string;
  /** ISO date (YYYY-MM-DD) the source was read. */
  readonly readOn: string;
}

const RAILWAY_PLANS_PAGE =
  "https://github.com/railwayapp/docs/blob/474db1238817571c780d643eb6d257af69367545/src/docs/pricing/plans.md";
const NEON_PLANS_PAGE =
  "https://github.com/neondatabase/website/blob/0020a39141e35fe219c1f6eccd7bba733f7611ab/content/docs/introduction/plans.md";
const R2_PRICING_PAGE =
  "https://github.com/cloudflare/cloudflare-docs/blob/07ec87d4f0b2bb3dd731f801af428f16d6c1b71d/src/content/docs/r2/pricing.mdx";
const READ_ON = "2026-12-01";

const railway = (value: number, unit: string): Sourced => ({
  value,
  unit,
  source: RAILWAY_PLANS_PAGE,
  readOn: READ_ON,
});
const neon = (value: number, unit: string): Sourced => ({
  value,
  unit,
  source: NEON_PLANS_PAGE,
  readOn: READ_ON,
});
const r2 = (value: number, unit: string): Sourced => ({
  value,
  unit,
  source: R2_PRICING_PAGE,
  readOn: READ_ON,
});

/** Usage is billed per minute at the same rates on Hobby and Pro ("Resource Usage Pricing"). */
const RAILWAY_USAGE = {
  memoryGBMonth: railway(10, "USD per GB-month of RAM"),
  vCPUMonth: railway(20, "USD per vCPU-month"),
  egressGB: railway(0.05, "USD per GB of network egress"),
  volumeGBMonth: railway(0.15, "USD per GB-month of volume storage"),
} as const;

/**
 * Railway meters by the minute at the monthly price over a 30-day month: the plans page's
 * per-minute figures are the monthly ones divided by 43,200 ($0.15 / 43,200 = $0.000003472222222
 * per GB-minute of volume), and Railway's CLI prices `estimatedUsage` the same way
 * (railwayapp/cli `src/commands/usage.rs`, `MINUTES_IN_MONTH`).
 */
export const RAILWAY_BILLING_MINUTES_PER_MONTH = railway(
  43_200,
  "minutes in the month Railway's per-minute prices divide the monthly ones by",
);

/**
 * The subscription counts towards usage: a month's bill is the subscription plus the usage
 * above what it includes ("Included Usage"). A service without a resource limit may grow to the
 * plan's per-service maximum ("Default Plan Resources"), which is its worst case.
 */
export const RAILWAY_PLANS = {
  hobby: {
    subscription: railway(5, "USD per month"),
    includedUsage: railway(5, "USD of usage a month"),
    usage: RAILWAY_USAGE,
    maxMemoryGBPerService: railway(48, "GB of RAM per service"),
    maxVCPUPerService: railway(48, "vCPU per service"),
    maxVolumeGB: railway(5, "GB of volume storage"),
  },
  pro: {
    subscription: railway(20, "USD per month"),
    includedUsage: railway(20, "USD of usage a month"),
    usage: RAILWAY_USAGE,
    maxMemoryGBPerService: railway(1024, "GB of RAM per service"),
    maxVCPUPerService: railway(1000, "vCPU per service"),
    maxVolumeGB: railway(1024, "GB of volume storage"),
  },
} as const;

export type RailwayPlan = keyof typeof RAILWAY_PLANS;
export const RAILWAY_PLAN_NAMES = Object.keys(RAILWAY_PLANS) as [RailwayPlan, ...RailwayPlan[]];

/**
 * Free costs nothing and suspends the project's computes at its quotas (100 CU-hours, 5 GB of
 * transfer, 0.5 GB of storage): its worst case is an outage, not a bill. Launch has no minimum
 * fee and bills what is used.
 */
export const NEON_PRICES = {
  free: {
    cuHour: neon(0, "USD per CU-hour"),
    storageCapGB: neon(0.5, "GB of storage per project"),
  },
  launch: {
    cuHour: neon(0.106, "USD per CU-hour"),
    storageGBMonth: neon(0.35, "USD per GB-month of storage"),
  },
} as const;

export type NeonPricedPlan = keyof typeof NEON_PRICES;

/** Standard storage; the free tier is per account and month; egress is free. */
export const R2_PRICES = {
  storageGBMonth: r2(0.015, "USD per GB-month"),
  classAPerMillion: r2(4.5, "USD per million Class A operations"),
  classBPerMillion: r2(0.36, "USD per million Class B operations"),
  freeStorageGBMonth: r2(10, "GB-month free each month"),
  freeClassAMillion: r2(1, "million Class A operations free each month"),
} as const;

/** Every number above, named by where it sits, for the test that each is sourced and dated. */
export function allSourcedNumbers(): { name: string; sourced: Sourced }[] {
  const found: { name: string; sourced: Sourced }[] = [];
  const visit = (name: string, value: unknown) => {
    if (typeof value === "number")
      throw new Error(`${name} is a bare number; give it a source and the date it was read`);
    if (typeof value !== "object" || value === null) return;
    if ("value" in value) {
      found.push({ name, sourced: value as Sourced });
      return;
    }
    for (const [key, inner] of Object.entries(value)) visit(`${name}.${key}`, inner);
  };
  visit("RAILWAY_PLANS", RAILWAY_PLANS);
  visit("RAILWAY_BILLING_MINUTES_PER_MONTH", RAILWAY_BILLING_MINUTES_PER_MONTH);
  visit("NEON_PRICES", NEON_PRICES);
  visit("R2_PRICES", R2_PRICES);
  return found;
}
