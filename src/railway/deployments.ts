import type { RailwayClient } from "./client";
import {
  DEPLOYMENT,
  DEPLOYMENT_TRIGGERS,
  ENVIRONMENT_PATCH,
  SERVICE_DEPLOYMENTS,
  SERVICE_INSTANCE_DEPLOYMENT,
} from "./operations";
import { DEPLOY_TIMEOUT_CONFIG_KEY, unlessNotFound } from "./provider";

/**
 * Waiting for what a commit started: the patch applied, then the one deployment of the service
 * created after it, to its end. Pure over a client, so it is tested against a fake one too.
 */

export interface DeploymentState {
  id: string;
  status: string;
}

/** The client as far as waiting uses it, so tests can hand in a fake. */
export type RailwayReader = Pick<RailwayClient, "request">;

/** alchemy `waitForDeployment`: these end a deployment well or badly; anything else is still under way. */
const DEPLOY_SUCCEEDED = ["SUCCESS", "SLEEPING"];
const DEPLOY_FAILED = ["FAILED", "CRASHED", "REMOVED"];
/** Still building: a cron service's wait ends at the first status past these (schema `DeploymentStatus`). */
const DEPLOY_BUILDING = ["INITIALIZING", "QUEUED", "BUILDING"];

/**
 * Statuses that are neither success nor failure and that Railway leaves to someone else (CLI
 * `service_summary.rs` shows "Awaiting approval" and "Waiting for CI"; docs
 * `deployments/github-autodeploys.md`, check suites: a deployment waits for the commit's GitHub
 * checks and is skipped when they fail). Waiting on them would hang until the timeout.
 * - NEEDS_APPROVAL: nothing runs until a person approves it in the dashboard, so `up` fails.
 * - SKIPPED: Railway decided not to deploy (failed checks, or watch patterns that matched no
 *   change), so what was committed is not running: `up` fails.
 * - WAITING: GitHub's checks decide by themselves; `up` ends with a warning, and the next `up`
 *   settles that deployment (fails if it was skipped or failed).
 */
const DEPLOY_HANDED_OFF: Record<string, { fails: boolean; says: string }> = {
  NEEDS_APPROVAL: {
    fails: true,
    says: "is awaiting approval: approve it in the Railway dashboard (or remove the approval requirement)",
  },
  SKIPPED: {
    fails: true,
    says: "was skipped by Railway (its GitHub check suites failed, or watch patterns matched no change)",
  },
  WAITING: {
    fails: false,
    says: "is waiting for the commit's GitHub checks (check suites) before it deploys",
  },
};

/** `EnvironmentPatchStatus` (schema): STAGED, APPLYING, COMMITTED. */
const PATCH_COMMITTED = "COMMITTED";

/** Polling backs off: 2 s, doubling, at most 15 s (a 90 s build then costs about 10 status reads). */
export const POLL_BACKOFF = { firstMs: 2_000, maxMs: 15_000 } as const;

/** The wait before poll number `poll` (0 = the first wait). */
export function pollDelayMs(poll: number): number {
  return Math.min(POLL_BACKOFF.firstMs * 2 ** poll, POLL_BACKOFF.maxMs);
}

/** The latest deployment of a service in an environment (null when none); "not found" when it has no instance there. */
export async function latestDeployment(
  client: RailwayReader,
  environmentId: string,
  serviceId: string,
): Promise<DeploymentState | null> {
  const { serviceInstance } = await client.request(SERVICE_INSTANCE_DEPLOYMENT, {
    environmentId,
    serviceId,
  });
  return serviceInstance.latestDeployment;
}

/** What a wait needs besides the client: where, how long, and how to pause between reads. */
export interface DeployWait {
  readonly projectId: string;
  readonly environmentId: string;
  readonly environmentName: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly timeoutSeconds: number;
  /** A fixed wait between polls (tests); omitted, polling backs off (`pollDelayMs`). */
  readonly pollIntervalMs?: number;
  readonly consistencyDelayMs: number;
  /** A cron service: its commit's deployment is awaited until built, never judged by a run. */
  readonly cron: boolean;
  readonly pause: (ms: number) => Promise<void>;
  /** Where a wait that ends without a verdict (WAITING) says so. */
  readonly warn: (message: string) => void;
}

/** The deployment a wait ended with, and the status it ended on. */
export interface DeploymentOutcome {
  readonly id: string;
  readonly status: string;
}

const where = (wait: DeployWait) =>
  `service "${wait.serviceName}" in environment "${wait.environmentName}"`;

/** Paces one wait: each call pauses the next step of the backoff, and says when the deadline passed. */
function pacer(wait: DeployWait): { expired: () => boolean; next: () => Promise<void> } {
  const deadline = Date.now() + wait.timeoutSeconds * 1000;
  let polls = 0;
  return {
    expired: () => Date.now() >= deadline,
    next: () => wait.pause(wait.pollIntervalMs ?? pollDelayMs(polls++)),
  };
}

function timedOut(wait: DeployWait, what: string): Error {
  return new Error(
    `Railway ${what} of ${where(wait)} did not finish within ${wait.timeoutSeconds} s. It may still finish: check the Railway dashboard. ` +
      `To wait longer, set deployTimeoutSeconds on this ServiceConfig or \`pulumi config set ${DEPLOY_TIMEOUT_CONFIG_KEY} <seconds>\`, then run \`pulumi up\` again.`,
  );
}

/**
 * Follows a committed patch (`environmentPatch(id)`) until Railway has applied it; returns when
 * it was staged, on Railway's clock, which is when the wait for its deployment starts. A patch
 * Railway could not apply fails, with Railway's `lastAppliedError`. Whether a failed patch goes
 * back to STAGED is unverified; an error on any status but COMMITTED is taken as failure.
 */
export async function awaitPatchApplied(
  client: RailwayReader,
  patchId: string,
  wait: DeployWait,
): Promise<{ stagedAt: string }> {
  const pace = pacer(wait);
  for (;;) {
    const { environmentPatch: patch } = await client.request(ENVIRONMENT_PATCH, { id: patchId });
    if (patch.status === PATCH_COMMITTED) return { stagedAt: patch.createdAt };
    if (patch.lastAppliedError) {
      throw new Error(
        `Railway could not apply the change to ${where(wait)} (patch ${patchId}, ${patch.status}): ${patch.lastAppliedError}. ` +
          "Fix the cause (a repository source needs Railway's GitHub app installed with access to it, docs deployments/github-autodeploys.md), " +
          "discard or apply what is left staged in the Railway dashboard, then run `pulumi up` again.",
      );
    }
    if (pace.expired()) throw timedOut(wait, `patch ${patchId} (last status ${patch.status})`);
    await pace.next();
  }
}

/**
 * A repository source deploys pushes only through a branch trigger, which Railway makes when
 * the source is connected and its GitHub app can read the repository (docs
 * `deployments/github-autodeploys.md`; terraform-provider-railway `resource_service.go` reads
 * `deploymentTriggers` back). Fails when none matches the declared repository and branch.
 */
export async function requireBranchTrigger(
  client: RailwayReader,
  wait: DeployWait,
  repository: string,
  branch: string,
): Promise<void> {
  const found = missingBranchTrigger(await branchTriggers(client, wait), repository, branch);
  if (found === undefined) return;
  throw new Error(
    `Railway has no branch trigger for ${repository}@${branch} on ${where(wait)} (found: ${found}), so pushes to that branch will not deploy. ` +
      `${GITHUB_APP_FIX} (docs deployments/github-autodeploys.md); then run \`pulumi up\` again.`,
  );
}

/** What autodeploy needs (docs deployments/github-autodeploys.md). */
export const GITHUB_APP_FIX =
  "Install Railway's GitHub app with access to the repository, and make sure a project member with contributor access has connected GitHub";

/** The service's deployment triggers in the environment (terraform-provider-railway reads them the same way). */
export async function branchTriggers(
  client: RailwayReader,
  where: Pick<DeployWait, "projectId" | "environmentId" | "serviceId">,
) {
  const { deploymentTriggers } = await client.request(DEPLOYMENT_TRIGGERS, {
    projectId: where.projectId,
    environmentId: where.environmentId,
    serviceId: where.serviceId,
  });
  return deploymentTriggers.edges.map((edge) => edge.node);
}

/** Undefined when a trigger matches; else the triggers there are ("none", or "owner/repo@branch, …"). */
export function missingBranchTrigger(
  triggers: readonly { repository: string; branch: string }[],
  repository: string,
  branch: string,
): string | undefined {
  if (triggers.some((trigger) => trigger.repository === repository && trigger.branch === branch))
    return undefined;
  return triggers.length === 0
    ? "none"
    : triggers.map((trigger) => `${trigger.repository}@${trigger.branch}`).join(", ");
}

/**
 * Just after the newest deployment the service has now (Railway's clock): a redeploy requested
 * next is the oldest one created at or after it. The epoch when it has none.
 */
export async function newestDeploymentAt(client: RailwayReader, wait: DeployWait): Promise<string> {
  const { deployments } = await client.request(SERVICE_DEPLOYMENTS, {
    projectId: wait.projectId,
    environmentId: wait.environmentId,
    serviceId: wait.serviceId,
  });
  const newest = Math.max(0, ...deployments.edges.map((edge) => Date.parse(edge.node.createdAt)));
  return new Date(newest + 1).toISOString();
}

/**
 * Waits for the deployment the commit started: the OLDEST deployment of this service and
 * environment created at or after `since` (Railway's clock). One that predates it (a push or a
 * person's redeploy) is never taken for ours; a push right after the commit starts a newer one.
 */
export async function awaitDeploymentSince(
  client: RailwayReader,
  wait: DeployWait,
  since: string,
): Promise<DeploymentOutcome> {
  const pace = pacer(wait);
  const after = Date.parse(since);
  for (;;) {
    const { deployments } = await client.request(SERVICE_DEPLOYMENTS, {
      projectId: wait.projectId,
      environmentId: wait.environmentId,
      serviceId: wait.serviceId,
    });
    const ours = deployments.edges
      .map((edge) => edge.node)
      .filter((deployment) => Date.parse(deployment.createdAt) >= after)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
    if (ours) return followDeployment(client, wait, ours, pace);
    if (pace.expired()) throw timedOut(wait, "deployment (not started yet)");
    await pace.next();
  }
}

/** Polls one deployment (`deployment(id)`) until it ends, as `verdict` judges it. */
async function followDeployment(
  client: RailwayReader,
  wait: DeployWait,
  first: DeploymentState,
  pace: ReturnType<typeof pacer> = pacer(wait),
): Promise<DeploymentOutcome> {
  let current = first;
  for (;;) {
    const outcome = verdict(wait, current);
    if (outcome) return outcome;
    if (pace.expired())
      throw timedOut(wait, `deployment ${current.id} (last status ${current.status})`);
    await pace.next();
    current = (await client.request(DEPLOYMENT, { id: current.id })).deployment;
  }
}

/** Whether a status ends the wait: the outcome, a thrown failure, or undefined to keep polling. */
export function verdict(
  wait: DeployWait,
  deployment: DeploymentState,
): DeploymentOutcome | undefined {
  const { id, status } = deployment;
  const handedOff = DEPLOY_HANDED_OFF[status];
  if (handedOff) {
    const message = `Railway deployment ${id} of ${where(wait)} ${handedOff.says}.`;
    if (handedOff.fails)
      throw new Error(
        `${message} What this program committed is not running; run \`pulumi up\` again once it is.`,
      );
    wait.warn(
      `${message} \`pulumi up\` does not wait for it; the next \`pulumi up\` checks how it ended.`,
    );
    return { id, status };
  }
  const failed = () =>
    new Error(
      `Railway deployment ${id} of ${where(wait)} ended ${status}. ` +
        "Read its build and deploy logs in the Railway dashboard, fix the cause, and run `pulumi up` again.",
    );
  // A cron service's deployment runs only at its schedule, and each run ends (SUCCESS with the
  // container stopped, or REMOVED; brody192/railway-cron): once built, a run's outcome is no
  // verdict on the config. A failed build still fails.
  if (wait.cron) {
    if (DEPLOY_BUILDING.includes(status)) return undefined;
    if (status === "FAILED") throw failed();
    return { id, status };
  }
  if (DEPLOY_SUCCEEDED.includes(status)) return { id, status };
  if (DEPLOY_FAILED.includes(status)) throw failed();
  return undefined;
}

/**
 * The latest deployment, waited for if still under way: what the run that
 * committed this config started. A deployment just started may take a moment
 * to show, so "none" is believed only after a few reads.
 */
export async function settleLatest(
  client: RailwayReader,
  wait: DeployWait,
): Promise<DeploymentOutcome | undefined> {
  for (let attempt = 1; attempt <= 8; attempt++) {
    const latest = await unlessNotFound(
      latestDeployment(client, wait.environmentId, wait.serviceId),
    );
    if (latest) return followDeployment(client, wait, latest);
    if (attempt < 8) await wait.pause(wait.consistencyDelayMs);
  }
  return undefined;
}
