import type { RailwayClient } from "./client";
import { SERVICE_INSTANCE_DEPLOYMENT } from "./operations";
import { DEPLOY_TIMEOUT_CONFIG_KEY, unlessNotFound } from "./provider";

export interface DeploymentState {
  id: string;
  status: string;
}

/** alchemy `waitForDeployment`: these end a deployment well or badly; anything else is still under way. */
export const DEPLOY_SUCCEEDED = ["SUCCESS", "SLEEPING"];
export const DEPLOY_FAILED = ["FAILED", "CRASHED", "REMOVED"];

/** The latest deployment of a service in an environment (null when none); "not found" when it has no instance there. */
export async function latestDeployment(client: RailwayClient, environmentId: string, serviceId: string): Promise<DeploymentState | null> {
  const { serviceInstance } = await client.request(SERVICE_INSTANCE_DEPLOYMENT, { environmentId, serviceId });
  return serviceInstance.latestDeployment;
}

/** What a wait needs besides the client: where, how long, and how to pause between reads. */
export interface DeployWait {
  readonly environmentId: string;
  readonly environmentName: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly timeoutSeconds: number;
  readonly pollIntervalMs: number;
  readonly consistencyDelayMs: number;
  readonly pause: (ms: number) => Promise<void>;
}

/** Polls `serviceInstance.latestDeployment` (alchemy `waitForDeployment`) until the awaited one ends, within the timeout. */
export async function waitForDeployment(client: RailwayClient, wait: DeployWait, awaited: (latest: DeploymentState) => boolean): Promise<string> {
  const deadline = Date.now() + wait.timeoutSeconds * 1000;
  const where = `service "${wait.serviceName}" in environment "${wait.environmentName}"`;
  let seen: DeploymentState | undefined;
  for (;;) {
    // The instance of a service just added to this environment may take a moment to appear.
    const latest = await unlessNotFound(latestDeployment(client, wait.environmentId, wait.serviceId));
    if (latest && awaited(latest)) {
      seen = latest;
      if (DEPLOY_SUCCEEDED.includes(latest.status)) return latest.id;
      if (DEPLOY_FAILED.includes(latest.status)) {
        throw new Error(
          `Railway deployment ${latest.id} of ${where} ended ${latest.status}. ` +
            "Read its build and deploy logs in the Railway dashboard, fix the cause, and run `pulumi up` again.",
        );
      }
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `Railway deployment ${seen ? `${seen.id} (last status ${seen.status})` : "(not started yet)"} of ${where} ` +
          `did not finish within ${wait.timeoutSeconds} s. It may still finish: check the Railway dashboard. To wait longer, set ` +
          `deployTimeoutSeconds on this ServiceConfig or \`pulumi config set ${DEPLOY_TIMEOUT_CONFIG_KEY} <seconds>\`, then run \`pulumi up\` again.`,
      );
    }
    await wait.pause(wait.pollIntervalMs);
  }
}

/**
 * The latest deployment, waited for if still under way: what the run that
 * committed this config started. A deployment just started may take a moment
 * to show, so "none" is believed only after a few reads.
 */
export async function settleLatest(client: RailwayClient, wait: DeployWait): Promise<string | undefined> {
  for (let attempt = 1; attempt <= 8; attempt++) {
    if (await unlessNotFound(latestDeployment(client, wait.environmentId, wait.serviceId))) {
      return waitForDeployment(client, wait, () => true);
    }
    if (attempt < 8) await wait.pause(wait.consistencyDelayMs);
  }
  return undefined;
}
