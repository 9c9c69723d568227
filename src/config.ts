import { existsSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  backupScheduleViolations,
  MAX_RPO_HOURS,
  MIN_RPO_HOURS,
} from "./invariants/backup-schedule";
import { HOURS_PER_MONTH } from "./invariants/cost-model";
import { RAILWAY_PLAN_NAMES } from "./invariants/cost-prices";
import { APP_URL_SCHEMES } from "./invariants/database-url";
import { environmentViolations, type DeployedEnvironment } from "./invariants/environment";
import { computeSizeViolations, HOURS_PER_MONTH_MAX } from "./invariants/neon-compute";
import {
  historyRetentionViolations,
  NEON_PLAN_LIMITS,
  type NeonPlan,
} from "./invariants/neon-plan";
import { readStackFile, type StackFileConfig } from "./stack-file";

/** The Pulumi project name, which is also the namespace of this program's config keys. */
export const PROJECT_NAME = "client-fulfillment-infra";

const NEON_PLANS = Object.keys(NEON_PLAN_LIMITS) as [NeonPlan, ...NeonPlan[]];

/** Only schemes the app's asyncio engine with asyncpg loads (see APP_URL_SCHEMES). */
const appUrlScheme = z
  .enum(APP_URL_SCHEMES, {
    error: `must be ${APP_URL_SCHEMES.join(" or ")}: the app's SQLAlchemy asyncio engine uses asyncpg`,
  })
  .default("postgresql+asyncpg");

const databaseSchema = z.strictObject({
  /** SQLAlchemy needs the driver in the scheme; the Neon provider's own URI says `postgres://`. */
  appUrlScheme,
});

const neonProjectSchema = z.strictObject({
  plan: z.enum(NEON_PLANS),
  orgId: z.string().regex(/^org-[a-z0-9-]+$/, "must look like org-cold-waterfall-84590723"),
  projectName: z.string().min(1),
  regionId: z
    .string()
    .regex(/^(aws|azure)-[a-z0-9-]+$/, "must be a Neon region id such as aws-us-east-1"),
  pgVersion: z.number().int().min(14).max(18),
  historyRetentionSeconds: z.number().int().min(0),
  /**
   * The project's compute: autoscaling limits (sizes checked against the plan with the other
   * keys) and the hours a month it is awake, which the CU-hour budget rule multiplies by maxCu.
   */
  compute: z.strictObject({
    minCu: z.number().positive(),
    maxCu: z.number().positive(),
    activeHoursPerMonth: z
      .number()
      .min(0)
      .max(HOURS_PER_MONTH_MAX, `a month has at most ${HOURS_PER_MONTH_MAX} hours`),
  }),
  /** Public transfer the app itself pulls from Neon a month (an estimate; the console's Usage page shows it), besides the backups. */
  appTransferGBPerMonth: z.number().min(0).optional(),
  /** An existing project to adopt with the `import` option instead of creating one. */
  adoptProjectId: z
    .string()
    .regex(/^[a-z]+-[a-z]+-\d+$/, "must be a Neon project id such as spring-fog-49733273")
    .optional(),
  /** Only for a project the program creates; an adopted project keeps its own branch. */
  defaultBranch: z
    .strictObject({
      name: z.string().min(1).default("main"),
      databaseName: z.string().min(1).default("neondb"),
      roleName: z.string().min(1).default("neondb_owner"),
    })
    .optional(),
});

const backupsSchema = z.strictObject({
  accountId: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "must be the 32-character hex Cloudflare account id"),
  bucketName: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      "must be 3-63 lowercase letters, digits or hyphens (R2 bucket naming)",
    ),
  /** Adopt the existing bucket with the `import` option instead of creating one. */
  adoptBucket: z.boolean().default(false),
  retentionDays: z.number().int().positive(),
  schedule: z.string().min(1),
  rpoHours: z
    .number()
    .min(
      MIN_RPO_HOURS,
      `must be at least ${MIN_RPO_HOURS.toFixed(4)} (5 minutes, Railway's shortest cron interval)`,
    )
    .max(MAX_RPO_HOURS, `must be at most ${MAX_RPO_HOURS} (a week)`),
  tokenName: z.string().min(1).default("client-fulfillment-backups-writer"),
  /** Name of the read-only bucket-scoped token that `backups:verify` and the restore drill use. */
  readerTokenName: z.string().min(1).default("client-fulfillment-backups-reader"),
  /** Longest tolerated restore (download + decompress + pg_restore), which the drill measures. */
  rtoMinutes: z.number().positive().default(60),
  /**
   * Size of one pg_dump as it leaves Neon (before gzip); `backups:verify` prints the measured
   * figure. Neon's transfer rule multiplies it by the dumps a month; the cost estimate by the
   * dumps R2 keeps, an upper bound since R2 holds them gzipped.
   */
  expectedDumpMB: z.number().positive().default(10),
  /** Tables the restore drill must find; unset, it only compares with the dump's own table of contents. */
  expectedTables: z.number().int().positive().optional(),
});

/** What the stack may cost a month, and the Railway plan whose prices and limits the estimate uses. */
const budgetSchema = z.strictObject({
  /** The `monthly-cost-within-budget` rule fails when the expected month costs more. */
  monthlyUsd: z.number().positive(),
  railwayPlan: z.enum(RAILWAY_PLAN_NAMES).default("hobby"),
});

/** Railway refuses a smaller hard limit (docs pricing/cost-control.md). */
const RAILWAY_MIN_HARD_LIMIT_USD = 10;

/**
 * Production also sets the workspace's usage limit at Railway: an email alert at `softLimitUsd`
 * (defaults to monthlyUsd) and workloads stopped at `hardLimitUsd` (defaults to 1.5 × monthlyUsd,
 * at least Railway's $10). The workspace has ONE limit, so only one stack declares it.
 */
const productionBudgetSchema = budgetSchema
  .extend({
    softLimitUsd: z
      .number()
      .int("whole dollars (Railway's usageLimitSet takes an Int)")
      .positive()
      .optional(),
    hardLimitUsd: z
      .number()
      .int("whole dollars (Railway's usageLimitSet takes an Int)")
      .min(
        RAILWAY_MIN_HARD_LIMIT_USD,
        `Railway's smallest hard limit is $${RAILWAY_MIN_HARD_LIMIT_USD}`,
      )
      .optional(),
  })
  .transform((budget) => {
    const softLimitUsd = budget.softLimitUsd ?? Math.ceil(budget.monthlyUsd);
    const hardLimitUsd =
      budget.hardLimitUsd ??
      Math.max(RAILWAY_MIN_HARD_LIMIT_USD, Math.ceil(budget.monthlyUsd * 1.5), softLimitUsd + 1);
    return { ...budget, softLimitUsd, hardLimitUsd };
  })
  .refine((budget) => budget.softLimitUsd < budget.hardLimitUsd, {
    message:
      "softLimitUsd (the email alert) must be below hardLimitUsd (where Railway stops the workloads)",
    path: ["softLimitUsd"],
  });

/**
 * What a service is expected to use, for the cost estimate (src/invariants/cost-model.ts); each
 * key left out takes the role's default there (USAGE_DEFAULTS). Assumptions until measured:
 * copy them from Railway's usage page once the service has run a month.
 */
const usageFields = {
  /** Average GB of RAM in use; at most the service's memory limit. */
  memoryGB: z.number().positive().optional(),
  /** Average vCPU in use. */
  vCPU: z.number().positive().optional(),
  /** GB a month sent to the internet; private networking is free. */
  egressGBPerMonth: z.number().min(0).optional(),
};
/** Only with sleepApplication: true; unset, a sleeping service counts 120 h a month awake. */
const awakeHoursPerMonth = z
  .number()
  .min(0)
  .max(HOURS_PER_MONTH, `an average month has ${HOURS_PER_MONTH} hours`)
  .optional();
const appUsage = z.strictObject({ ...usageFields, awakeHoursPerMonth }).optional();

/** Railway variable names: what a shell accepts, so `${{svc.NAME}}` references can name them. */
const variableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a variable name such as API_KEY");

/**
 * Extra plain variables of one service, merged over the ones the program wires (they win, so a
 * mistake here is caught by the invariants on the resource inputs, not hidden).
 */
const extraVariables = z.record(variableName, z.string()).default({});

/**
 * A generated secret that exists live is kept; a new label (e.g. the date) asks `up` for a new
 * value, which it writes and then redeploys the services that reference it.
 */
const rotationLabel = z
  .string()
  .regex(/^[\w.:-]+$/, 'a label such as "2026-12-01"; change it to rotate the secret')
  .optional();

const githubRepo = z
  .string()
  .regex(/^[\w.-]+\/[\w.-]+$/, 'must be a GitHub repository "owner/name"');
const serviceNamePattern = z
  .string()
  .regex(
    /^[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
    "must be a Railway service name (letters, digits, - and _)",
  );
/**
 * Production adopts services by exact name and a miss creates an empty one, so no name is guessed:
 * each is pinned in the stack file, confirmed against the dashboard with `npm run -s railway:check`.
 */
const pinnedServiceName = z
  .string({
    error: (issue) =>
      issue.input === undefined
        ? "required: pin the live service's name exactly as the dashboard shows it (confirm with `npm run -s railway:check -- --stack production`)"
        : "must be a string",
  })
  .pipe(serviceNamePattern);
/** Staging configures production's services: its names are production's, read from its outputs. */
const nameFromProduction = z
  .never({
    error:
      "staging takes service names from production's outputs (railwayServiceNames); remove this key and pin the name in Pulumi.production.yaml",
  })
  .optional();
const dockerImage = z
  .string()
  .regex(/^[\w./-]+:[\w.-]+$/, 'must be an image with a pinned tag, e.g. "redis:8.2"')
  .refine((image) => !image.endsWith(":latest"), 'pin a version; ":latest" changes under you');
const healthcheckPath = z.string().regex(/^\//, 'must start with "/", e.g. /health');
/** Seconds Railway waits for the health check before it fails the deploy (docs `deployments/healthchecks.md`; unset, Railway's 300). */
const healthcheckTimeout = z
  .number()
  .int("must be a whole number of seconds")
  .min(1, "must be at least 1 second")
  .optional();
/** Lets Railway put the service to sleep after 10 minutes without outbound traffic (docs `reference/app-sleeping.md`); unset, not managed. */
const sleepApplication = z.boolean().optional();
/**
 * Gitignore-style paths from the repository root whose changes trigger a build (docs
 * `deployments/monorepo.md`). The backend and frontend share one repository: without them every
 * push rebuilds both.
 */
const watchPatterns = z
  .array(z.string().min(1, "must not be empty"))
  .min(1, 'list at least one pattern, e.g. ["/backend/**"]')
  .optional();
/**
 * Runs between build and deploy on the private network, e.g. `alembic upgrade head`; if it fails
 * the deploy does not proceed (docs `deployments/pre-deploy-command.md`). Railway's environment config
 * stores a list (CLI `src/controllers/config/environment.rs`), so a single command becomes one.
 */
const preDeployCommand = z
  .union([
    z.string().min(1, "must not be empty"),
    z.array(z.string().min(1, "must not be empty")).min(1, "list at least one command"),
  ])
  .transform((command) => (typeof command === "string" ? [command] : command))
  .optional();

/** `rootDirectory` "backend" (or "/backend/") watches "/backend/**"; no root directory, the whole repository. */
export function defaultWatchPatterns(rootDirectory: string | undefined): string[] | undefined {
  const folder = rootDirectory?.replace(/^\/+|\/+$/g, "");
  return folder ? [`/${folder}/**`] : undefined;
}

/** A service built by Railway from a GitHub repository (FastAPI backend, Next.js frontend). */
const repoServiceFields = {
  repo: githubRepo,
  /** Folder of the app inside the repository, e.g. "backend". */
  rootDirectory: z.string().min(1).optional(),
  /** The branch this environment deploys: `main` for production, `staging` for staging. */
  branch: z.string().min(1),
  healthcheckPath: healthcheckPath.optional(),
  healthcheckTimeout,
  sleepApplication,
  watchPatterns,
  variables: extraVariables,
  usage: appUsage,
};

function withDefaultWatchPatterns<T extends { rootDirectory?: string; watchPatterns?: string[] }>(
  service: T,
): T {
  return {
    ...service,
    watchPatterns: service.watchPatterns ?? defaultWatchPatterns(service.rootDirectory),
  };
}

/** Crawl4AI's README asks for at least 4 GB; its image health check fails under 2 GB. */
const CRAWL4AI_MEMORY_FLOOR = {
  production: { gb: 4, message: "Crawl4AI needs at least 4 GB (its README); set 4 or more" },
  // Staging crawls a page or two per test: enough for the browser the image's health check needs.
  staging: {
    gb: 2,
    message:
      "Crawl4AI's image fails its own health check under 2 GB; set 2 or more (production keeps the README's 4)",
  },
} as const;

/** The app's services; `name` is pinned in production and comes from production's outputs in staging. */
function railwayServicesSchema<N extends z.ZodType<string | undefined>>(
  name: N,
  crawl4aiMemoryFloor: { gb: number; message: string },
) {
  return {
    backend: z
      .strictObject({
        name,
        ...repoServiceFields,
        healthcheckPath: healthcheckPath.default("/health"),
        preDeployCommand,
      })
      .transform(withDefaultWatchPatterns),
    frontend: z
      .strictObject({
        name,
        ...repoServiceFields,
        /** Name under which the frontend receives the backend's public URL. */
        backendUrlVariable: variableName.default("NEXT_PUBLIC_API_URL"),
        /** Fixed `<subdomain>.up.railway.app`; omitted, Railway picks one. */
        subdomain: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, "must be a lowercase subdomain label")
          .optional(),
      })
      .transform(withDefaultWatchPatterns),
    redis: z.strictObject({
      name,
      image: dockerImage.default("redis:8.2"),
      sleepApplication,
      passwordRotation: rotationLabel,
      variables: extraVariables,
      /** `volumeGB`: space used on its volume, billed whether awake or not. */
      usage: z
        .strictObject({
          ...usageFields,
          awakeHoursPerMonth,
          volumeGB: z.number().min(0).optional(),
        })
        .optional(),
    }),
    crawl4ai: z.strictObject({
      name,
      image: dockerImage.default("unclecode/crawl4ai:0.9.2"),
      /** The memory limit; see CRAWL4AI_MEMORY_FLOOR. */
      memoryGB: z.number().min(crawl4aiMemoryFloor.gb, crawl4aiMemoryFloor.message).default(4),
      healthcheckTimeout,
      sleepApplication,
      tokenRotation: rotationLabel,
      variables: extraVariables,
      /** Unset, `memoryGB` is estimated at the limit: Crawl4AI's memory grows until it reaches it. */
      usage: appUsage,
    }),
  };
}

const backupJobSchema = z.strictObject({
  /** The Railway project of the backup job, apart from the app's. */
  projectName: z.string().min(1).default("client-fulfillment-backups"),
  name: pinnedServiceName,
  repo: githubRepo.default("railwayapp-templates/postgres-s3-backups"),
  branch: z.string().min(1).default("main"),
  /** Major of the pg_dump client the job builds with; at least the Neon server's. */
  pgVersion: z.number().int().min(14).max(18),
  /** Node image the job builds on; its Alpine release must ship postgresql<pgVersion>-client. */
  nodeVersion: z.string().regex(/^\d+(\.\d+){0,2}$/, 'must be a Node version such as "22"'),
  variables: extraVariables,
  /** `runMinutes`: how long one run takes; its egress is the dumps it uploads. */
  usage: z
    .strictObject({
      memoryGB: usageFields.memoryGB,
      vCPU: usageFields.vCPU,
      runMinutes: z.number().positive().optional(),
    })
    .optional(),
});

const railwayProductionSchema = z.strictObject({
  /** The live app project, adopted by name. */
  projectName: z.string().min(1),
  /** Only needed to create a project that does not exist yet; adoption finds it with the token's scope. */
  workspaceId: z.string().min(1).optional(),
  ...railwayServicesSchema(pinnedServiceName, CRAWL4AI_MEMORY_FLOOR.production),
  backupJob: backupJobSchema,
});

const railwayStagingSchema = z.strictObject({
  /** Stack whose outputs hold the Railway project and service ids ("production", or "<org>/client-fulfillment-infra/production"). */
  productionStack: z.string().min(1),
  ...railwayServicesSchema(nameFromProduction, CRAWL4AI_MEMORY_FLOOR.staging),
});

/**
 * The services of the app's project, in both environments (the backup job has a project of its
 * own), in the order their configs are applied: each after the services it references.
 */
export const APP_ROLES = ["redis", "crawl4ai", "backend", "frontend"] as const;
export type AppRole = (typeof APP_ROLES)[number];
/** Every Railway service's role: the app's and the backup job (its own project); `railwaySecrets.<role>.<NAME>` adds a secret variable to one. */
export const RAILWAY_ROLES = [...APP_ROLES, "backupJob"] as const;
export type RailwayRole = (typeof RAILWAY_ROLES)[number];

/** Values become secret Outputs as soon as they are parsed: no plain copy travels through the program. */
const railwaySecretsSchema = z
  .partialRecord(z.enum(RAILWAY_ROLES), z.record(variableName, z.string()))
  .default({})
  .transform(
    (byRole) =>
      Object.fromEntries(
        Object.entries(byRole).map(([role, variables]) => [
          role,
          Object.fromEntries(
            Object.entries(variables ?? {}).map(([name, value]) => [name, pulumi.secret(value)]),
          ),
        ]),
      ) as Partial<Record<RailwayRole, Record<string, pulumi.Output<string>>>>,
  );

function environmentFor<const S extends DeployedEnvironment>(stack: S) {
  return z.custom<S>().superRefine((value, ctx) => {
    for (const violation of environmentViolations(value, stack)) {
      ctx.addIssue({ code: "custom", message: violation.message });
    }
  });
}

const productionSchema = z.strictObject({
  environment: environmentFor("production"),
  neon: neonProjectSchema,
  database: databaseSchema.default({ appUrlScheme: "postgresql+asyncpg" }),
  backups: backupsSchema,
  railway: railwayProductionSchema,
  railwaySecrets: railwaySecretsSchema,
  budget: productionBudgetSchema,
});

const stagingSchema = z.strictObject({
  environment: environmentFor("staging"),
  neon: neonProjectSchema,
  database: databaseSchema.default({ appUrlScheme: "postgresql+asyncpg" }),
  railway: railwayStagingSchema,
  railwaySecrets: railwaySecretsSchema.refine(
    (secrets) => !("backupJob" in secrets),
    "staging runs no backup job",
  ),
  budget: budgetSchema,
});

export type ProductionConfig = z.infer<typeof productionSchema>;
export type StagingConfig = z.infer<typeof stagingSchema>;
export type StackConfig = ProductionConfig | StagingConfig;

/** Raised before any resource is declared; lists every bad key at once. */
export class StackConfigError extends Error {
  constructor(
    readonly stackFile: string,
    readonly issues: readonly { readonly key: string; readonly message: string }[],
  ) {
    super(
      `Invalid stack configuration in ${stackFile} (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((issue) => `  - ${issue.key}: ${issue.message}`).join("\n") +
        `\nFix these keys in ${stackFile} (or with \`pulumi config set --path '<key>' <value> --stack <stack>\`).`,
    );
    this.name = "StackConfigError";
  }
}

/** Pulumi hands every config value to the program as a string; structured values are JSON. */
function decodeConfigValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The config keys of this project's namespace, as they appear in a stack file. */
export function projectConfigValues(allConfig: Record<string, string>): Record<string, unknown> {
  const prefix = `${PROJECT_NAME}:`;
  const values: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(allConfig)) {
    if (key.startsWith(prefix)) values[key.slice(prefix.length)] = decodeConfigValue(raw);
  }
  return values;
}

/** `client-fulfillment-infra:neon.pgVersion`, the spelling `pulumi config set --path` accepts. */
function configKey(path: readonly PropertyKey[]): string {
  const [top, ...rest] = path.map(String);
  return `${PROJECT_NAME}:${top ?? ""}${rest.map((part) => `.${part}`).join("")}`;
}

function describeIssues(issue: z.core.$ZodIssue): { key: string; message: string }[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      key: configKey([...issue.path, key]),
      message: "unknown key; remove it or correct its spelling (see docs/configuration.md)",
    }));
  }
  if (issue.code === "invalid_key") {
    // A record key that failed its own schema: say why, not only that it did.
    return [
      {
        key: configKey(issue.path),
        message: issue.issues.map((inner) => inner.message).join("; "),
      },
    ];
  }
  if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
    return [{ key: configKey(issue.path), message: `required (${issue.message})` }];
  }
  return [{ key: configKey(issue.path), message: issue.message }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Rules that span several keys run on the raw values even when other keys are
 * wrong, so one error lists every problem instead of revealing them one by one.
 */
function crossKeyIssues(values: Record<string, unknown>): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const { neon, backups } = values;
  if (isRecord(neon) && typeof neon.plan === "string" && neon.plan in NEON_PLAN_LIMITS) {
    const plan = neon.plan as NeonPlan;
    if (typeof neon.historyRetentionSeconds === "number") {
      for (const violation of historyRetentionViolations(neon.historyRetentionSeconds, plan)) {
        issues.push({ path: ["neon", "historyRetentionSeconds"], message: violation.message });
      }
    }
    const compute = neon.compute;
    if (
      isRecord(compute) &&
      typeof compute.minCu === "number" &&
      typeof compute.maxCu === "number"
    ) {
      for (const violation of computeSizeViolations(compute.minCu, compute.maxCu, plan)) {
        issues.push({ path: ["neon", "compute"], message: violation.message });
      }
    }
  }
  if (isRecord(neon) && neon.adoptProjectId !== undefined && neon.defaultBranch !== undefined) {
    issues.push({
      path: ["neon", "defaultBranch"],
      message:
        "only shapes a project the program creates; an adopted project keeps its own default branch (console projects name it `production`), so remove the key",
    });
  }
  if (
    isRecord(backups) &&
    typeof backups.schedule === "string" &&
    typeof backups.rpoHours === "number" &&
    backups.rpoHours >= MIN_RPO_HOURS &&
    backups.rpoHours <= MAX_RPO_HOURS
  ) {
    for (const violation of backupScheduleViolations(backups.schedule, backups.rpoHours)) {
      issues.push({ path: ["backups", "schedule"], message: violation.message });
    }
  }
  issues.push(...sharedServiceNameIssues(values.railway));
  issues.push(...usageIssues(values.railway));
  return issues;
}

/** Expected usage must be possible: awake hours only where Railway may sleep, RAM within the limit. */
function usageIssues(railway: unknown): { path: string[]; message: string }[] {
  if (!isRecord(railway)) return [];
  const issues: { path: string[]; message: string }[] = [];
  for (const role of APP_ROLES) {
    const service = railway[role];
    const usage = isRecord(service) ? service.usage : undefined;
    if (!isRecord(service) || !isRecord(usage)) continue;
    if (usage.awakeHoursPerMonth !== undefined && service.sleepApplication !== true) {
      issues.push({
        path: ["railway", role, "usage", "awakeHoursPerMonth"],
        message: `only a service with sleepApplication: true sleeps; remove the key or set railway.${role}.sleepApplication: true`,
      });
    }
    const limit = typeof service.memoryGB === "number" ? service.memoryGB : undefined;
    if (limit !== undefined && typeof usage.memoryGB === "number" && usage.memoryGB > limit) {
      issues.push({
        path: ["railway", role, "usage", "memoryGB"],
        message: `is ${usage.memoryGB} GB, above the service's ${limit} GB limit (railway.${role}.memoryGB); Railway stops it at the limit`,
      });
    }
  }
  return issues;
}

/**
 * Two roles with one name would be one Railway service configured twice, each `up` undoing the
 * other. Names are compared ignoring case, since a case-only difference is the near miss that
 * adoption refuses. Only production names services; staging's come from production's outputs.
 */
function sharedServiceNameIssues(railway: unknown): { path: string[]; message: string }[] {
  if (!isRecord(railway)) return [];
  const named = APP_ROLES.flatMap((role) => {
    const service = railway[role];
    return isRecord(service) && typeof service.name === "string"
      ? [{ role, name: service.name }]
      : [];
  });
  return named.flatMap(({ role, name }, index) => {
    const earlier = named
      .slice(0, index)
      .find((other) => other.name.toLowerCase() === name.toLowerCase());
    if (!earlier) return [];
    const same =
      earlier.name === name
        ? `is "${name}", like`
        : `is "${name}", which differs only by case from "${earlier.name}" of`;
    return [
      {
        path: ["railway", role, "name"],
        message: `${same} ${configKey(["railway", earlier.role, "name"])}; each role needs its own Railway service, so give each its live service's name`,
      },
    ];
  });
}

const RAILWAY_KEY = `${PROJECT_NAME}:railway`;
const RAILWAY_SECRETS_KEY = `${PROJECT_NAME}:railwaySecrets`;

/**
 * Secret variables must arrive encrypted and plain ones must not: a `secure:` value inside
 * `railway` would make Pulumi treat the whole key as one secret, and a plain `railwaySecrets`
 * value would put a credential in the stack file in clear text. Pulumi tells a program only
 * which top-level keys hold a `secure:` value somewhere (pulumi/pulumi#13063, #6531), so a plain
 * value beside a `secure:` sibling is visible only in the stack file: `plainValueKeys`, when it
 * was read, lets each value be judged on its own.
 */
function secrecyIssues(
  values: Record<string, unknown>,
  secretKeys: readonly string[],
  plainValueKeys: readonly string[] | undefined,
): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (secretKeys.includes(RAILWAY_KEY)) {
    issues.push({
      path: ["railway"],
      message:
        "holds a secure: value; keep railway.* plain and put secret variables under railwaySecrets.<role>.<NAME> " +
        "(`pulumi config set --secret --path 'railwaySecrets.backend.API_KEY' <value>`)",
    });
  }
  if (values.railwaySecrets === undefined) return issues;
  if (plainValueKeys === undefined) {
    if (!secretKeys.includes(RAILWAY_SECRETS_KEY)) {
      issues.push({
        path: ["railwaySecrets"],
        message:
          "is not encrypted; set each value with `pulumi config set --secret --path 'railwaySecrets.<role>.<NAME>' <value>`",
      });
    }
    return issues;
  }
  const plain = new Set(plainValueKeys);
  for (const [role, variables] of Object.entries(
    isRecord(values.railwaySecrets) ? values.railwaySecrets : {},
  )) {
    for (const name of Object.keys(isRecord(variables) ? variables : {})) {
      if (!plain.has(configKey(["railwaySecrets", role, name]))) continue;
      issues.push({
        path: ["railwaySecrets", role, name],
        message: `is not encrypted; set it with \`pulumi config set --secret --path 'railwaySecrets.${role}.${name}' <value>\``,
      });
    }
  }
  return issues;
}

/**
 * Validates one stack's config; a stack file other than staging or production is itself an error.
 * `secretKeys` are the full keys (`client-fulfillment-infra:railwaySecrets`) Pulumi holds encrypted;
 * `plainValueKeys`, the `--path` keys of the values the stack file holds in clear text, when it was read.
 */
export function parseStackConfig(
  stack: string,
  values: Record<string, unknown>,
  secretKeys: readonly string[] = [],
  plainValueKeys?: readonly string[],
): StackConfig {
  const stackFile = `Pulumi.${stack}.yaml`;
  const schema =
    stack === "production" ? productionSchema : stack === "staging" ? stagingSchema : undefined;
  if (!schema) {
    throw new StackConfigError(stackFile, [
      {
        key: "(stack)",
        message: `stack "${stack}" is not supported; use "staging" or "production"`,
      },
    ]);
  }
  const result = schema.safeParse(values);
  const issues = [
    ...(result.success ? [] : result.error.issues.flatMap(describeIssues)),
    ...[...crossKeyIssues(values), ...secrecyIssues(values, secretKeys, plainValueKeys)].map(
      (issue) => ({ key: configKey(issue.path), message: issue.message }),
    ),
  ];
  if (!result.success || issues.length > 0) throw new StackConfigError(stackFile, issues);
  return result.data;
}

/**
 * A stack file of `projectDir`, read and validated as the program reads it (each clear-text value
 * judged): how the offline tools and the policy pack take a stack's config.
 */
export function readStackFileConfig(
  projectDir: string,
  stack: string,
): { file: StackFileConfig; config: StackConfig } {
  const file = readStackFile(projectDir, stack);
  const values = projectConfigValues(file.config);
  return { file, config: parseStackConfig(stack, values, file.secretKeys, file.plainValueKeys) };
}

/**
 * Under the Pulumi CLI the project's root directory is known and its stack file is where a plain
 * `railwaySecrets` value would sit in clear text; the mock runtime has no root directory.
 */
function stackFilePlainValueKeys(projectRoot: string, stack: string): string[] | undefined {
  if (!projectRoot || !existsSync(path.join(projectRoot, `Pulumi.${stack}.yaml`))) return undefined;
  return readStackFile(projectRoot, stack).plainValueKeys;
}

/**
 * The stack's config, read from the Pulumi runtime and validated before anything is declared;
 * `projectRoot` holds the stack file whose plain values are judged one by one.
 */
export function readStackConfig(
  projectRoot: string = pulumi.runtime.getRootDirectory(),
): StackConfig {
  const allConfig = pulumi.runtime.allConfig();
  // Public in the SDK's JavaScript, missing from its type declarations.
  const { isConfigSecret } = pulumi.runtime as unknown as {
    isConfigSecret?: (key: string) => boolean;
  };
  if (!isConfigSecret)
    throw new Error(
      "@pulumi/pulumi no longer exposes runtime.isConfigSecret; update src/config.ts",
    );
  const secretKeys = Object.keys(allConfig).filter((key) => isConfigSecret(key));
  return parseStackConfig(
    pulumi.getStack(),
    projectConfigValues(allConfig),
    secretKeys,
    stackFilePlainValueKeys(projectRoot, pulumi.getStack()),
  );
}

/**
 * Provider credentials stay secret Outputs from config to the provider resource.
 * When unset, each provider falls back to its environment variable
 * (NEON_API_KEY, CLOUDFLARE_API_TOKEN).
 */
export interface ProviderSecrets {
  readonly neonApiKey?: pulumi.Output<string>;
  readonly cloudflareApiToken?: pulumi.Output<string>;
}

export function readProviderSecrets(): ProviderSecrets {
  return {
    neonApiKey: new pulumi.Config("neon").getSecret("apiKey"),
    cloudflareApiToken: new pulumi.Config("cloudflare").getSecret("apiToken"),
  };
}
