import type { RailwayClient } from "./client";
import {
  ENVIRONMENT_COMMIT_STAGED,
  ENVIRONMENT_CONFIG,
  ENVIRONMENT_STAGE_CHANGES,
  TCP_PROXIES,
} from "./operations";

/**
 * Reading and writing an environment's config (`environment.config`, a JSON
 * scalar), shaped as CLI `src/controllers/config/environment.rs` describes it:
 * `services.<serviceId>.{source, build, deploy, variables, volumeMounts,
 * isCreated, isDeleted}` and `volumes.<volumeId>.{isCreated, isDeleted}`.
 * Patches deep-merge and `null` removes a key.
 */

/** A service's entry, as far as this provider reads it; every other field passes through untouched. */
export interface LiveServiceEntry {
  source?: {
    image?: string | null;
    repo?: string | null;
    branch?: string | null;
    rootDirectory?: string | null;
  } | null;
  build?: Record<string, unknown> | null;
  deploy?: Record<string, unknown> | null;
  variables?: Record<string, { value?: string | null } | null> | null;
  volumeMounts?: Record<string, { mountPath?: string | null } | null> | null;
  isDeleted?: boolean | null;
}

export interface LiveEnvironment {
  id: string;
  name: string;
  projectId: string;
  createdAt: string;
  isEphemeral: boolean;
  deletedAt: string | null;
  unmergedChangesCount: number;
  /** Services with an instance here (entries marked deleted are left out). */
  services: Record<string, LiveServiceEntry>;
  /** Volume ids with an instance here. */
  volumeIds: string[];
}

/** One environment with its config, variable values decrypted. */
export async function readEnvironment(
  client: RailwayClient,
  environmentId: string,
): Promise<LiveEnvironment> {
  const { environment } = await client.request(ENVIRONMENT_CONFIG, { id: environmentId });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- required at call time so Pulumi can serialize the provider
  const { z } = require("zod") as typeof import("zod");
  const text = z.string().nullish();
  const entry = z
    .object({
      source: z
        .object({ image: text, repo: text, branch: text, rootDirectory: text })
        .passthrough()
        .nullish(),
      build: z.record(z.string(), z.unknown()).nullish(),
      deploy: z.record(z.string(), z.unknown()).nullish(),
      variables: z.record(z.string(), z.object({ value: text }).passthrough().nullable()).nullish(),
      volumeMounts: z
        .record(z.string(), z.object({ mountPath: text }).passthrough().nullable())
        .nullish(),
      isDeleted: z.boolean().nullish(),
    })
    .passthrough();
  const parsed = z
    .object({
      services: z.record(z.string(), entry).nullish(),
      volumes: z
        .record(z.string(), z.object({ isDeleted: z.boolean().nullish() }).passthrough().nullable())
        .nullish(),
    })
    .passthrough()
    .safeParse(environment.config);
  if (!parsed.success) {
    const details = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(
      `Railway environment "${environment.name}" returned a config this provider cannot read (has Railway's API changed?): ${details}`,
    );
  }
  const services: Record<string, LiveServiceEntry> = {};
  for (const [serviceId, service] of Object.entries(parsed.data.services ?? {})) {
    if (!service.isDeleted) services[serviceId] = service;
  }
  const volumeIds = Object.entries(parsed.data.volumes ?? {})
    .filter(([, volume]) => volume !== null && !volume.isDeleted)
    .map(([volumeId]) => volumeId);
  return {
    ...environment,
    unmergedChangesCount: environment.unmergedChangesCount ?? 0,
    services,
    volumeIds,
  };
}

export const hasSource = (entry: LiveServiceEntry | undefined): boolean =>
  Boolean(entry?.source?.image || entry?.source?.repo);

/**
 * Stages `patch` (merged into the stage) and commits the stage, as CLI
 * `template_apply.rs` `stage_and_commit_patch` does. That commit applies the
 * environment's WHOLE staged patch (the CLI warns about it), so a stage that
 * already holds someone's changes is refused rather than shipped with ours.
 * Returns the id of the staged patch, which the commit applies asynchronously
 * (follow it with `awaitPatchApplied`).
 */
export async function stageAndCommit(
  client: RailwayClient,
  environment: LiveEnvironment,
  patch: Record<string, unknown>,
  options: { skipDeploys: boolean; commitMessage: string },
): Promise<string> {
  if (environment.unmergedChangesCount > 0) {
    throw new Error(
      `Railway environment "${environment.name}" (${environment.id}) has ${environment.unmergedChangesCount} staged change(s) ` +
        "that nobody applied (dashboard or CLI). Committing now would apply and deploy them together with this program's change. " +
        "Apply or discard them in the Railway dashboard, then run `pulumi up` again.",
    );
  }
  const { environmentStageChanges: staged } = await client.request(ENVIRONMENT_STAGE_CHANGES, {
    environmentId: environment.id,
    input: patch,
  });
  await client.request(ENVIRONMENT_COMMIT_STAGED, {
    environmentId: environment.id,
    commitMessage: options.commitMessage,
    skipDeploys: options.skipDeploys,
  });
  return staged.id;
}

/** The service's live public TCP proxies in the environment (none when it has no instance there). */
export async function publicProxies(
  client: RailwayClient,
  environmentId: string,
  serviceId: string,
): Promise<{ id: string; domain: string; proxyPort: number }[]> {
  const { tcpProxies } = await client.request(TCP_PROXIES, { environmentId, serviceId });
  // A deleted proxy lingers with deletedAt or syncStatus DELETING (CLI `src/controllers/tcp_proxy.rs` filters both).
  return tcpProxies.filter(
    (proxy) =>
      !proxy.deletedAt && proxy.syncStatus !== "DELETING" && proxy.syncStatus !== "DELETED",
  );
}
