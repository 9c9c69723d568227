/**
 * Scenario (e): adopting the dashboard-made production (`seedDashboardProduction`). The adoption
 * check runs first and says what to correct; the stack file is corrected as it says; then the
 * first `up` (state empty, as on the real first run), a second `up`, and a refresh. Builds last
 * 90 s of simulated time, so polling is counted as a real build would cost it.
 */
import { runAdoptionCheck, type AdoptionReport } from "../../src/offline/adoption-check";
import { runPlan } from "../../src/offline/plan";
import {
  DASHBOARD_HAND_SET_VARIABLES,
  seedDashboardProduction,
  type DashboardProduction,
  type DashboardProductionOptions,
} from "../railway-simulator/dashboard-production";
import { committedConfig } from "../config-fixtures";
import { PROJECT_DIR, rehearseUp, type UpResult } from "./engine";
import { rehearseRefresh, type RefreshChange } from "./refresh";
import { editProjectKey, stackInput, type ConfigEdit } from "./scenarios";
import { startRailwayTarget, type Measurement, type RailwayTarget } from "./target";

/** What one build and deploy lasts in the simulator (Railway's builds of these apps take 1-3 minutes). */
export const SIMULATED_BUILD_SECONDS = 90;

export interface AdoptionStep {
  readonly measurement: Measurement;
  readonly deploysByService: Readonly<Record<string, number>>;
}

export interface DashboardAdoptionResult {
  readonly seed: DashboardProduction;
  /** The check before any correction. */
  readonly check: AdoptionReport;
  readonly checkMutations: number;
  /** The stack-file corrections the check called for, as `key: value`. */
  readonly corrections: readonly string[];
  /** The check after the corrections, before `up`. */
  readonly checkCorrected: AdoptionReport;
  readonly firstUp: AdoptionStep & {
    readonly secretsRotated: readonly string[];
    readonly servicesCreated: number;
    readonly up: UpResult;
  };
  readonly secondUp: AdoptionStep;
  readonly refresh: readonly RefreshChange[];
}

/** The backend variables the production stack file declares itself (plain and secret), by name. */
export function backendVariablesTheStackDeclares(): string[] {
  const { railway, railwaySecrets } = committedConfig("production").values as {
    railway: { backend: { variables?: object } };
    railwaySecrets?: { backend?: object };
  };
  return [
    ...Object.keys(railway.backend.variables ?? {}),
    ...Object.keys(railwaySecrets?.backend ?? {}),
  ];
}

/**
 * Live values the dashboard leaves no trace of (the Neon URLs, the R2 credentials) are seeded as
 * the program computes them offline: on the real system they come from the same Neon project and
 * token. The backend variables the stack file declares were set by the same human to the same
 * values. Everything else is as a human made it.
 */
async function declaredLiveValues(): Promise<
  Pick<
    DashboardProductionOptions,
    "databaseUrl" | "backupDatabaseUrl" | "backupTarget" | "handSetVariables"
  >
> {
  const { run } = await runPlan(PROJECT_DIR, "production");
  const inputsOf = (name: string) => {
    const resource = run.resources.find((candidate) => candidate.name === name);
    if (!resource) throw new Error(`the production program declares no ${name}`);
    return resource.inputs as {
      variables: Record<string, string>;
      secretVariables: Record<string, string>;
    };
  };
  const backend = inputsOf("app-backend-config");
  const job = inputsOf("backup-job-config");
  const declared = backendVariablesTheStackDeclares().map((name) => [
    name,
    backend.variables[name] ?? backend.secretVariables[name] ?? "",
  ]);
  return {
    handSetVariables: {
      ...DASHBOARD_HAND_SET_VARIABLES,
      backend: { ...DASHBOARD_HAND_SET_VARIABLES.backend, ...Object.fromEntries(declared) },
    },
    databaseUrl: backend.secretVariables.DATABASE_URL,
    backupDatabaseUrl: job.secretVariables.BACKUP_DATABASE_URL,
    backupTarget: {
      bucketName: job.variables.AWS_S3_BUCKET,
      endpoint: job.variables.AWS_S3_ENDPOINT,
      region: job.variables.AWS_S3_REGION,
      accessKeyId: job.secretVariables.AWS_ACCESS_KEY_ID,
      secretAccessKey: job.secretVariables.AWS_SECRET_ACCESS_KEY,
    },
  };
}

/** What a reader of the check would put in the stack file: the live image where only the tag differs. */
function correctionsFrom(report: AdoptionReport): { edits: ConfigEdit[]; described: string[] } {
  const edits: ConfigEdit[] = [];
  const described: string[] = [];
  for (const finding of report.findings) {
    const role = /^railway:ServiceConfig "app-(\w+)-config"$/.exec(finding.resource)?.[1];
    const image = finding.changes.find((change) => change.key === "source.image");
    if (!role || !image || typeof image.from !== "string") continue;
    const live = image.from;
    edits.push((config) =>
      editProjectKey(config, "railway", (railway) => {
        (railway[role] as Record<string, unknown>).image = live;
      }),
    );
    described.push(`railway.${role}.image: ${live}`);
  }
  return { edits, described };
}

function deploysByService(
  measurement: Measurement,
  seed: DashboardProduction,
): Record<string, number> {
  const roles = new Map(Object.entries(seed.serviceIds).map(([role, id]) => [id, role]));
  roles.set(seed.backups.serviceId, "backupJob");
  const counts: Record<string, number> = {};
  for (const deployment of measurement.deployments) {
    const label = roles.get(deployment.serviceId) ?? deployment.service;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/** Production's adoption check against the target, with the mutations it sent (the stack file's config unless one is given). */
export async function checkAdoption(
  target: RailwayTarget,
  config?: Record<string, string>,
): Promise<{ report: AdoptionReport; mutations: number }> {
  target.startWindow();
  const report = await runAdoptionCheck({
    projectDir: PROJECT_DIR,
    stack: "production",
    env: { RAILWAY_API_TOKEN: target.sim.token, RAILWAY_API_ENDPOINT: target.proxy.url },
    stackConfig: config,
  });
  return { report, mutations: target.measure().mutations };
}

export async function rehearseDashboardAdoption(
  seedOptions: DashboardProductionOptions = {},
): Promise<DashboardAdoptionResult> {
  const target = await startRailwayTarget();
  try {
    target.sim.state.deploySimulatedSeconds = SIMULATED_BUILD_SECONDS;
    const seed = seedDashboardProduction(target.sim, {
      ...(await declaredLiveValues()),
      ...seedOptions,
    });
    const input = stackInput(PROJECT_DIR, "production", target);
    // The dashboard's workspace is the token's: adoption finds the project without railway.workspaceId.
    const base = editProjectKey(input.config, "railway", (railway) => {
      delete railway.workspaceId;
    });
    const first = await checkAdoption(target, base);
    const { edits, described } = correctionsFrom(first.report);
    const corrected = edits.reduce((config, edit) => edit(config), base);
    const second = await checkAdoption(target, corrected);

    const secretsBefore = liveSecrets(target, seed);
    const servicesBefore = target.sim.state.services.size;
    target.startWindow();
    const up = await rehearseUp({
      stack: "production",
      projectDir: PROJECT_DIR,
      config: corrected,
      secretKeys: input.secretKeys,
    });
    const firstMeasurement = target.measure();
    const secretsAfter = liveSecrets(target, seed);
    const secretsRotated = Object.keys(secretsBefore).filter(
      (name) => secretsBefore[name] !== secretsAfter[name],
    );

    target.startWindow();
    await rehearseUp({
      stack: "production",
      projectDir: PROJECT_DIR,
      config: corrected,
      secretKeys: input.secretKeys,
      prior: up.state,
    });
    const secondMeasurement = target.measure();
    const refresh = await rehearseRefresh({
      stack: "production",
      config: corrected,
      state: up.state,
    });
    return {
      seed,
      check: first.report,
      checkMutations: first.mutations + second.mutations,
      corrections: described,
      checkCorrected: second.report,
      firstUp: {
        measurement: firstMeasurement,
        deploysByService: deploysByService(firstMeasurement, seed),
        secretsRotated,
        servicesCreated: target.sim.state.services.size - servicesBefore,
        up,
      },
      secondUp: {
        measurement: secondMeasurement,
        deploysByService: deploysByService(secondMeasurement, seed),
      },
      refresh,
    };
  } finally {
    await target.close();
  }
}

function liveSecrets(
  target: RailwayTarget,
  seed: DashboardProduction,
): Record<string, string | undefined> {
  const read = (role: "redis" | "crawl4ai", name: string) =>
    target.sim.state.getVariables(seed.environmentId, seed.serviceIds[role])[name];
  return {
    REDIS_PASSWORD: read("redis", "REDIS_PASSWORD"),
    CRAWL4AI_API_TOKEN: read("crawl4ai", "CRAWL4AI_API_TOKEN"),
  };
}
