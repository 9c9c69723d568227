import { CronSyntaxError, parseCron } from "./backup-schedule";
import {
  NEON_PRICES,
  R2_PRICES,
  RAILWAY_PLANS,
  type NeonPricedPlan,
  type RailwayPlan,
} from "./cost-prices";
import { worstCaseCuHours } from "./neon-compute";
import { inputRecord, RESOURCE_TYPES, type Rule, type StackSnapshot } from "./rule-kit";
import type { RuleResult } from "./violation";

export const monthlyCostWithinBudget: Rule = {
  id: "monthly-cost-within-budget",
  description:
    "The stack's expected monthly cost (Railway after included usage, R2, Neon) fits budget.monthlyUsd; the worst case is reported.",
  evaluate: costBudgetResult,
};

/** Hours in an average month (8,760 / 12): what a service that never sleeps bills. */
export const HOURS_PER_MONTH = 730;
const MB_PER_GB = 1024;

/**
 * What one service is expected to use, from `railway.<role>.usage` in the stack file; a key
 * left out takes the role's default (USAGE_DEFAULTS). These are assumptions, not measurements:
 * replace them with Railway's usage page once the service has run for a month.
 */
export interface ServiceUsage {
  /** GB of RAM in use on average, at most the service's memory limit. */
  readonly memoryGB?: number;
  /** vCPU in use on average, at most the service's CPU limit. */
  readonly vCPU?: number;
  /** GB a month sent to the internet (private networking is free). */
  readonly egressGBPerMonth?: number;
  /** Hours a month a sleeping service is awake; a service that never sleeps bills every hour. */
  readonly awakeHoursPerMonth?: number;
  /** GB used on the service's volume. */
  readonly volumeGB?: number;
  /** A cron service: minutes one run takes. */
  readonly runMinutes?: number;
}

interface UsageDefault extends Required<
  Pick<ServiceUsage, "memoryGB" | "vCPU" | "egressGBPerMonth">
> {
  readonly volumeGB?: number;
  readonly runMinutes?: number;
  /** Estimate the memory at the service's limit, when it has one. */
  readonly memoryAtLimit?: boolean;
}

/**
 * Defaults per role. The app services' figures are the idle estimates of a small FastAPI and
 * Next.js app; Crawl4AI starts a browser at boot (about 1 GB) and is reported to grow until it
 * reaches its limit (unclecode/crawl4ai issues #361, #742, #1256), so it is estimated at its
 * limit. The backup job is a pg_dump piped through gzip for a couple of minutes per run.
 */
export const USAGE_DEFAULTS: Readonly<Record<string, UsageDefault>> = {
  backend: { memoryGB: 0.25, vCPU: 0.02, egressGBPerMonth: 2 },
  frontend: { memoryGB: 0.25, vCPU: 0.02, egressGBPerMonth: 5 },
  redis: { memoryGB: 0.03, vCPU: 0.005, egressGBPerMonth: 0, volumeGB: 0.1 },
  crawl4ai: { memoryGB: 1, vCPU: 0.05, egressGBPerMonth: 0.5, memoryAtLimit: true },
  backupJob: { memoryGB: 0.25, vCPU: 0.5, egressGBPerMonth: 0, runMinutes: 2 },
};

/**
 * Railway sleeps a service after 10 minutes without outbound traffic (docs
 * `reference/app-sleeping.md`); staging is used by tests and reviews, taken as 120 h a month
 * unless `usage.awakeHoursPerMonth` says otherwise. A service that keeps a connection busy
 * never sleeps, which is its worst case.
 */
export const SLEEPING_AWAKE_HOURS_DEFAULT = 120;

/** One line of the estimate, in USD a month. */
export interface CostLine {
  /** The role (`crawl4ai`) or the product (`R2 backups`, `Neon`). */
  readonly item: string;
  readonly expectedUsd: number;
  readonly worstUsd: number;
  /** How the expected figure was reached, e.g. "4 GB × 730 h + 0.05 vCPU × 730 h". */
  readonly basis: string;
  /** How the worst case was reached. */
  readonly worstBasis: string;
  /** The figures a pull request's cost diff compares. */
  readonly quantities: Readonly<Record<string, number>>;
}

export interface CostEstimate {
  readonly railwayPlan: RailwayPlan;
  readonly lines: readonly CostLine[];
  /** Railway: usage, the subscription this stack carries, and the bill after included usage. */
  readonly railway: {
    readonly subscriptionUsd: number;
    readonly includedUsageUsd: number;
    readonly usageExpectedUsd: number;
    readonly usageWorstUsd: number;
    readonly billExpectedUsd: number;
    readonly billWorstUsd: number;
  };
  readonly expectedUsd: number;
  readonly worstUsd: number;
  /** Everything the numbers rest on that is not read from the resources. */
  readonly assumptions: readonly string[];
  /** Expected usage the resources' own limits make impossible. */
  readonly problems: readonly string[];
}

const cents = (usd: number) => Math.round(usd * 100) / 100;
export const formatUsd = (usd: number) => `$${cents(usd).toFixed(2)}`;
const trim = (value: number) => String(Math.round(value * 1000) / 1000);

/** Average runs a month of a UTC cron expression (over the days of a common year). */
export function averageRunsPerMonth(cron: string): number {
  const parsed = parseCron(cron);
  const timesPerDay = parsed.hours.length * parsed.minutes.length;
  let days = 0;
  for (let day = 0; day < 365; day++) {
    const date = new Date(Date.UTC(2027, 0, 1 + day));
    const dom = parsed.daysOfMonth.has(date.getUTCDate());
    const dow = parsed.daysOfWeek.has(date.getUTCDay());
    // Vixie cron: when both day fields are restricted, either may match.
    const dayMatches = parsed.domStar || parsed.dowStar ? dom && dow : dom || dow;
    if (parsed.months.has(date.getUTCMonth() + 1) && dayMatches) days++;
  }
  return (days * timesPerDay) / 12;
}

type SnapshotResource = StackSnapshot["resources"][number];

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

interface ServiceFigures {
  readonly line: CostLine;
  readonly problems: string[];
}

function serviceLine(
  config: SnapshotResource,
  snapshot: StackSnapshot,
  plan: RailwayPlan,
  volumes: readonly SnapshotResource[],
  dumpMB: { expected: number | undefined; worst: number | undefined },
): ServiceFigures {
  const role = String(config.inputs.role ?? config.name);
  const defaults = USAGE_DEFAULTS[role] ?? { memoryGB: 0.25, vCPU: 0.02, egressGBPerMonth: 1 };
  const assumed = snapshot.expected.usage?.[role] ?? {};
  const prices = RAILWAY_PLANS[plan];
  const limits = inputRecord(config.inputs.limits);
  const deploy = inputRecord(config.inputs.deploy);
  const memoryLimit = numberOrUndefined(limits.memoryGB);
  const cpuLimit = numberOrUndefined(limits.vCPUs);
  const maxMemory = memoryLimit ?? prices.maxMemoryGBPerService.value;
  const maxCpu = cpuLimit ?? prices.maxVCPUPerService.value;
  const memory =
    assumed.memoryGB ??
    (defaults.memoryAtLimit && memoryLimit !== undefined ? memoryLimit : defaults.memoryGB);
  const cpu = assumed.vCPU ?? defaults.vCPU;
  const problems: string[] = [];
  if (memory > maxMemory)
    problems.push(
      `${role} is expected to use ${memory} GB of RAM, above its ${maxMemory} GB limit; lower railway.${role}.usage.memoryGB or raise the limit.`,
    );
  if (cpu > maxCpu)
    problems.push(
      `${role} is expected to use ${cpu} vCPU, above its ${maxCpu} vCPU limit; lower railway.${role}.usage.vCPU.`,
    );

  const cron = typeof deploy.cronSchedule === "string" ? deploy.cronSchedule : undefined;
  const sleeps = deploy.sleepApplication === true;
  let hours: number;
  let worstHours: number;
  let runs = 0;
  if (cron !== undefined) {
    const counted = runsOf(cron);
    if (counted === undefined)
      problems.push(
        `${role}'s cron schedule "${cron}" is not a five-field cron expression, so its runs cannot be counted (see backup-cron-meets-rpo).`,
      );
    runs = counted ?? 0;
    const runMinutes = assumed.runMinutes ?? defaults.runMinutes ?? 1;
    hours = (runs * runMinutes) / 60;
    // A run lasts as long whatever its size; the worst case is a run at the limits.
    worstHours = hours;
  } else {
    hours = sleeps ? (assumed.awakeHoursPerMonth ?? SLEEPING_AWAKE_HOURS_DEFAULT) : HOURS_PER_MONTH;
    worstHours = HOURS_PER_MONTH;
  }
  const hasVolume = volumes.some((volume) => volume.inputs.serviceId === config.inputs.serviceId);
  const volumeGB = hasVolume ? (assumed.volumeGB ?? defaults.volumeGB ?? 0.1) : 0;
  const worstVolumeGB = hasVolume ? prices.maxVolumeGB.value : 0;
  // The backup job uploads each dump to R2 over the internet.
  const egress =
    cron !== undefined && dumpMB.expected !== undefined
      ? (runs * dumpMB.expected) / MB_PER_GB
      : (assumed.egressGBPerMonth ?? defaults.egressGBPerMonth);
  const worstEgress =
    cron !== undefined && dumpMB.worst !== undefined ? (runs * dumpMB.worst) / MB_PER_GB : egress;

  const { usage } = prices;
  const cost = (gb: number, vcpu: number, h: number, volume: number, out: number) =>
    ((gb * usage.memoryGBMonth.value + vcpu * usage.vCPUMonth.value) * h) / HOURS_PER_MONTH +
    volume * usage.volumeGBMonth.value +
    out * usage.egressGB.value;
  const describe = (gb: number, vcpu: number, h: number, volume: number, out: number) =>
    [
      `${trim(gb)} GB + ${trim(vcpu)} vCPU × ${trim(h)} h`,
      volume > 0 ? `${trim(volume)} GB volume` : "",
      out > 0 ? `${trim(out)} GB egress` : "",
    ]
      .filter(Boolean)
      .join(" + ");
  const unlimited = [
    memoryLimit === undefined ? "RAM" : "",
    cpuLimit === undefined ? "CPU" : "",
  ].filter(Boolean);
  return {
    problems,
    line: {
      item: role,
      expectedUsd: cost(memory, cpu, hours, volumeGB, egress),
      worstUsd: cost(maxMemory, maxCpu, worstHours, worstVolumeGB, worstEgress),
      basis: describe(memory, cpu, hours, volumeGB, egress) + (sleeps ? " (sleeps when idle)" : ""),
      worstBasis:
        describe(maxMemory, maxCpu, worstHours, worstVolumeGB, worstEgress) +
        (unlimited.length
          ? ` (no ${unlimited.join("/")} limit: the ${plan} plan's per-service maximum)`
          : ""),
      quantities: {
        memoryGB: memory,
        vCPU: cpu,
        hours,
        memoryLimitGB: maxMemory,
        vCPULimit: maxCpu,
        volumeGB,
        egressGB: egress,
      },
    },
  };
}

function retentionDaysOf(snapshot: StackSnapshot): number | undefined {
  const lifecycle = snapshot.resources.find(
    (resource) => resource.type === RESOURCE_TYPES.r2Lifecycle,
  );
  const rules = Array.isArray(lifecycle?.inputs.rules) ? (lifecycle.inputs.rules as unknown[]) : [];
  const ages = rules
    .map((rule) =>
      numberOrUndefined(
        inputRecord(inputRecord(inputRecord(rule).deleteObjectsTransition).condition).maxAge,
      ),
    )
    .filter((age): age is number => age !== undefined);
  return ages.length ? Math.max(...ages) / 86_400 : snapshot.expected.retentionDays;
}

/** R2's dumps: every run's dump is kept until the lifecycle deletes it; the free tier applies first. */
function r2Line(
  runsPerMonth: number,
  retentionDays: number,
  dumpMB: { expected: number; worst: number },
): CostLine {
  const kept = (runsPerMonth * 12 * retentionDays) / 365;
  const price = (mb: number) => {
    const storedGB = (kept * mb) / MB_PER_GB;
    // A multipart upload in 5 MB parts is the most Class A operations one dump can take.
    const classA = runsPerMonth * (2 + Math.ceil(mb / 5));
    const storage =
      Math.max(0, storedGB - R2_PRICES.freeStorageGBMonth.value) * R2_PRICES.storageGBMonth.value;
    const operations =
      Math.max(0, classA / 1e6 - R2_PRICES.freeClassAMillion.value) *
      R2_PRICES.classAPerMillion.value;
    return { usd: storage + operations, storedGB, classA };
  };
  const expected = price(dumpMB.expected);
  const worst = price(dumpMB.worst);
  const basis = (figures: { storedGB: number; classA: number }, mb: number) =>
    `${trim(kept)} dumps × ${trim(mb)} MB = ${trim(figures.storedGB)} GB stored, ${Math.round(figures.classA)} Class A ops (free tier ${R2_PRICES.freeStorageGBMonth.value} GB-month, ${R2_PRICES.freeClassAMillion.value} M ops)`;
  return {
    item: "R2 backups",
    expectedUsd: expected.usd,
    worstUsd: worst.usd,
    basis: basis(expected, dumpMB.expected),
    worstBasis: basis(worst, dumpMB.worst),
    quantities: { dumpsKept: kept, dumpMB: dumpMB.expected, storedGB: expected.storedGB },
  };
}

/** Neon bills CU-hours (and storage) on Launch; Free costs nothing and suspends at its quota. */
function neonLine(snapshot: StackSnapshot): CostLine | undefined {
  const project = snapshot.resources.find(
    (resource) => resource.type === RESOURCE_TYPES.neonProject,
  );
  const plan = snapshot.expected.neonPlan as NeonPricedPlan | undefined;
  const hours = snapshot.expected.neonActiveHoursPerMonth;
  if (!project || plan === undefined || hours === undefined) return undefined;
  const settings = inputRecord(project.inputs.defaultEndpointSettings);
  const minCu = numberOrUndefined(settings.autoscalingLimitMinCu) ?? Number.NaN;
  const maxCu = numberOrUndefined(settings.autoscalingLimitMaxCu) ?? Number.NaN;
  // Autoscaling rests at the minimum when idle; the worst case is the CU-hour rule's own.
  const expectedCuHours = minCu * hours;
  const worstCuHours = worstCaseCuHours({ maxCu, activeHoursPerMonth: hours });
  const price = NEON_PRICES[plan].cuHour.value;
  const suffix =
    plan === "free"
      ? " on Free: $0, and Neon suspends the compute at the quota"
      : ` at $${price}/CU-hour (storage not estimated)`;
  return {
    item: "Neon",
    expectedUsd: expectedCuHours * price,
    worstUsd: worstCuHours * price,
    basis: `${trim(minCu)} CU × ${trim(hours)} h = ${trim(expectedCuHours)} CU-hours${suffix}`,
    worstBasis: `${trim(maxCu)} CU × ${trim(hours)} h = ${trim(worstCuHours)} CU-hours${suffix}`,
    quantities: { cuHours: expectedCuHours, worstCuHours },
  };
}

/** The workspace's month at Railway: the plan's subscription, plus the usage above what it includes ("Included Usage"). */
export function railwayBillUsd(plan: RailwayPlan, usageUsd: number): number {
  const prices = RAILWAY_PLANS[plan];
  return prices.subscription.value + Math.max(0, usageUsd - prices.includedUsage.value);
}

/**
 * The month's estimate of one stack, from the resources it declares (limits, sleeping, cron,
 * volumes, lifecycle, Neon compute) and the usage assumptions of its stack file. The stack that
 * declares the Railway project carries the workspace's subscription and its included usage;
 * staging, an environment of that project, adds its whole usage on top.
 */
export function estimateMonthlyCost(snapshot: StackSnapshot): CostEstimate {
  const plan = snapshot.expected.railwayPlan ?? "hobby";
  const prices = RAILWAY_PLANS[plan];
  const configs = snapshot.resources.filter(
    (resource) => resource.type === RESOURCE_TYPES.railwayServiceConfig,
  );
  const volumes = snapshot.resources.filter(
    (resource) => resource.type === RESOURCE_TYPES.railwayVolume,
  );
  const neonCapMB =
    snapshot.expected.neonPlan === "free"
      ? NEON_PRICES.free.storageCapGB.value * MB_PER_GB
      : undefined;
  const dumpMB = {
    expected: snapshot.expected.expectedDumpMB,
    worst: neonCapMB ?? snapshot.expected.expectedDumpMB,
  };
  const services = configs.map((config) => serviceLine(config, snapshot, plan, volumes, dumpMB));
  const railwayLines = services.map((service) => service.line);
  const problems = services.flatMap((service) => service.problems);
  const assumptions = [
    `Railway ${plan}: usage at ${formatUsd(prices.usage.memoryGBMonth.value)}/GB-month of RAM, ${formatUsd(prices.usage.vCPUMonth.value)}/vCPU-month, ${formatUsd(prices.usage.egressGB.value)}/GB egress, ${formatUsd(prices.usage.volumeGBMonth.value)}/GB-month of volume (read ${prices.usage.memoryGBMonth.readOn}).`,
    `A month is ${HOURS_PER_MONTH} h; a sleeping service is awake ${SLEEPING_AWAKE_HOURS_DEFAULT} h unless railway.<role>.usage.awakeHoursPerMonth says otherwise, and every hour in the worst case.`,
    "Memory and CPU in use are railway.<role>.usage values or the role's default; the worst case is each service at its limit, or at the plan's per-service maximum without one.",
  ];

  const declaresProject = snapshot.resources.some(
    (resource) => resource.type === RESOURCE_TYPES.railwayProject,
  );
  const subscription = declaresProject ? prices.subscription.value : 0;
  const included = declaresProject ? prices.includedUsage.value : 0;
  if (configs.length > 0 && !declaresProject)
    assumptions.push(
      "This stack's Railway services run in another stack's project: that stack carries the subscription and its included usage.",
    );
  const usageExpected = railwayLines.reduce((sum, line) => sum + line.expectedUsd, 0);
  const usageWorst = railwayLines.reduce((sum, line) => sum + line.worstUsd, 0);
  const bill = (usage: number) => (declaresProject ? railwayBillUsd(plan, usage) : usage);

  const lines: CostLine[] = [...railwayLines];
  const runsPerMonth = backupRunsPerMonth(snapshot);
  const retentionDays = retentionDaysOf(snapshot);
  if (
    snapshot.resources.some((resource) => resource.type === RESOURCE_TYPES.r2Bucket) &&
    runsPerMonth !== undefined &&
    retentionDays !== undefined
  ) {
    if (dumpMB.expected === undefined)
      problems.push(
        "backups.expectedDumpMB is not set, so R2's storage cannot be estimated; set it to the size of one compressed dump.",
      );
    else
      lines.push(
        r2Line(runsPerMonth, retentionDays, {
          expected: dumpMB.expected,
          worst: dumpMB.worst ?? dumpMB.expected,
        }),
      );
  }
  const neon = neonLine(snapshot);
  if (neon) lines.push(neon);
  const others = lines.filter((line) => !railwayLines.includes(line));
  const billExpected = bill(usageExpected);
  const billWorst = bill(usageWorst);
  return {
    railwayPlan: plan,
    lines,
    railway: {
      subscriptionUsd: subscription,
      includedUsageUsd: included,
      usageExpectedUsd: usageExpected,
      usageWorstUsd: usageWorst,
      billExpectedUsd: billExpected,
      billWorstUsd: billWorst,
    },
    expectedUsd: billExpected + others.reduce((sum, line) => sum + line.expectedUsd, 0),
    worstUsd: billWorst + others.reduce((sum, line) => sum + line.worstUsd, 0),
    assumptions,
    problems,
  };
}

/** Undefined for an expression the rules' cron parser refuses (another rule reports it). */
function runsOf(cron: string): number | undefined {
  try {
    return averageRunsPerMonth(cron);
  } catch (error) {
    if (error instanceof CronSyntaxError) return undefined;
    throw error;
  }
}

function backupRunsPerMonth(snapshot: StackSnapshot): number | undefined {
  const job = snapshot.resources.find(
    (resource) =>
      resource.type === RESOURCE_TYPES.railwayServiceConfig &&
      typeof inputRecord(resource.inputs.deploy).cronSchedule === "string",
  );
  const schedule = job
    ? inputRecord(job.inputs.deploy).cronSchedule
    : snapshot.outputs.backupSchedule;
  return typeof schedule === "string" ? runsOf(schedule) : undefined;
}

/** The biggest expected lines first, as the failure names them. */
function largest(lines: readonly CostLine[]): string {
  return [...lines]
    .sort((a, b) => b.expectedUsd - a.expectedUsd)
    .slice(0, 3)
    .map((line) => `${line.item} ${formatUsd(line.expectedUsd)} (${line.basis})`)
    .join("; ");
}

/** The expected month fits `budget.monthlyUsd`; the worst case is reported beside it. */
function costBudgetResult(snapshot: StackSnapshot): RuleResult {
  const budget = snapshot.expected.budgetMonthlyUsd;
  if (budget === undefined)
    return {
      rule: monthlyCostWithinBudget.id,
      status: "undecided",
      message: "No budget.monthlyUsd is configured to compare the estimate with.",
    };
  const estimate = estimateMonthlyCost(snapshot);
  const worst = `worst case ${formatUsd(estimate.worstUsd)} with every service at its limit`;
  const problems = [...estimate.problems];
  if (!(estimate.expectedUsd <= budget)) {
    problems.push(
      `${snapshot.stack} is expected to cost ${formatUsd(estimate.expectedUsd)} a month, over budget.monthlyUsd ${formatUsd(budget)} (${worst}). ` +
        `Largest: ${largest(estimate.lines)}. Lower those services' limits or usage, or raise budget.monthlyUsd.`,
    );
  }
  if (problems.length)
    return { rule: monthlyCostWithinBudget.id, status: "fail", message: problems.join(" ") };
  return {
    rule: monthlyCostWithinBudget.id,
    status: "pass",
    message: `Expected ${formatUsd(estimate.expectedUsd)} a month of a ${formatUsd(budget)} budget (${worst}).`,
  };
}
