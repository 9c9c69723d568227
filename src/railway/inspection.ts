/**
 * Read-only inspection of what `up` would adopt: for one Railway resource's inputs, the live
 * object the provider would take over (with the provider's own lookups), and for a service config
 * the patch the provider would send (its own diff). Sends queries only; the client it is given
 * refuses mutations (`readOnly`), so a mistake here cannot change the live system.
 */
import { RailwayClient } from "./client";
import type { Operation } from "./operations";
import { branchTriggers, GITHUB_APP_FIX, missingBranchTrigger } from "./deployments";
import {
  hasSource,
  publicProxies,
  readEnvironment,
  type LiveEnvironment,
} from "./environment-config";
import { environmentNamed } from "./environment";
import { SERVICE_INSTANCE_SETTINGS } from "./operations";
import { projectsNamed } from "./project";
import { lookUpService } from "./service";
import { adoptableDomain, liveServiceDomains, type ServiceDomainInputs } from "./service-domain";
import {
  describePatch,
  keepsLiveValue,
  patchNeedsDeploy,
  servicePatch,
  type PatchChange,
  type ServiceConfigInputs,
} from "./service-patch";
import { unlessNotFound } from "./provider";
import { liveLimit, sameLimit } from "./usage-limit";
import { liveVolumeInstances } from "./volume";

/**
 * A client that refuses to send any mutation: the read-only checks' guarantee (railway:check,
 * railway:usage) does not rest on their callers.
 */
export class ReadOnlyRailwayClient extends RailwayClient {
  override request<TData>(
    operation: Operation<TData>,
    variables: Record<string, unknown>,
  ): Promise<TData> {
    if (/^\s*mutation\b/.test(operation.document)) {
      return Promise.reject(
        new Error(`this check is read-only and refused to send mutation ${operation.name}`),
      );
    }
    return super.request(operation, variables);
  }
}

export type FindingStatus = "unchanged" | "change" | "create" | "blocked";

/** What `up` would do to one Railway resource, and what it would leave wrong. */
export interface Finding {
  readonly resource: string;
  readonly kind:
    "project" | "environment" | "service" | "service-config" | "volume" | "domain" | "usage-limit";
  readonly status: FindingStatus;
  /** The live object, by name and id, when one was found. */
  readonly found?: { readonly name: string; readonly id: string };
  /** One line per key `up` would change (service configs: settings and variables by name; secret values never). */
  readonly changes: readonly PatchChange[];
  /** A deploy `up` would start. */
  readonly deploys: boolean;
  /** Keys whose declared value another provider computes at apply time: not comparable here. */
  readonly unknown: readonly string[];
  /** Generated secrets that exist live and are kept. */
  readonly kept: readonly string[];
  /** What `up` would leave wrong, each with what to do. */
  readonly leftWrong: readonly string[];
  /** Why `up` must not run yet, each with the fix. */
  readonly blockers: readonly string[];
}

/** The live ids dependents receive; undefined when `up` would create the object. */
export interface Inspection {
  readonly id?: string;
  readonly outputs: Record<string, unknown>;
  readonly finding: Omit<Finding, "resource">;
}

/** Railway sets these itself on every service (docs variables/reference.md, "Railway-provided variables"). */
const RAILWAY_PROVIDED = /^RAILWAY_/;

const none = {
  changes: [],
  deploys: false,
  unknown: [],
  kept: [],
  leftWrong: [],
  blockers: [],
} as const;

function failureOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function inspectProject(
  client: RailwayClient,
  inputs: { name: string; workspaceId?: string; defaultEnvironmentName: string },
): Promise<Inspection> {
  const found = await projectsNamed(client, inputs.name, inputs.workspaceId);
  if (found.length > 1) {
    return {
      outputs: {},
      finding: {
        ...none,
        kind: "project",
        status: "blocked",
        blockers: [
          `${found.length} projects named "${inputs.name}" are visible to the token (${found.map((p) => p.id).join(", ")}): rename or delete the other, or set railway.workspaceId`,
        ],
      },
    };
  }
  const project = found[0];
  if (!project) {
    return {
      outputs: {},
      finding: inputs.workspaceId
        ? { ...none, kind: "project", status: "create" }
        : {
            ...none,
            kind: "project",
            status: "blocked",
            blockers: [
              `no project named "${inputs.name}" is visible to the token and no railway.workspaceId is set to create it: check railway.projectName against the dashboard`,
            ],
          },
    };
  }
  const environment = project.environments.edges
    .map((edge) => edge.node)
    .find((env) => env.name === inputs.defaultEnvironmentName);
  const blockers = environment
    ? []
    : [
        `project "${project.name}" has no environment "${inputs.defaultEnvironmentName}" (it has ${project.environments.edges.map((e) => `"${e.node.name}"`).join(", ") || "none"})`,
      ];
  return {
    id: project.id,
    outputs: { projectId: project.id, defaultEnvironmentId: environment?.id },
    finding: {
      ...none,
      kind: "project",
      status: blockers.length ? "blocked" : "unchanged",
      found: { name: project.name, id: project.id },
      blockers,
    },
  };
}

export async function inspectEnvironment(
  client: RailwayClient,
  inputs: { projectId?: string; name: string },
): Promise<Inspection> {
  const environment = inputs.projectId
    ? await environmentNamed(client, inputs.projectId, inputs.name)
    : undefined;
  if (!environment)
    return { outputs: {}, finding: { ...none, kind: "environment", status: "create" } };
  return {
    id: environment.id,
    outputs: { environmentId: environment.id },
    finding: {
      ...none,
      kind: "environment",
      status: "unchanged",
      found: { name: environment.name, id: environment.id },
    },
  };
}

export async function inspectService(
  client: RailwayClient,
  inputs: { projectId?: string; name: string; nameConfigKey?: string },
): Promise<Inspection> {
  if (!inputs.projectId)
    return { outputs: {}, finding: { ...none, kind: "service", status: "create" } };
  const { exact, nearMisses } = await lookUpService(client, inputs.projectId, inputs.name);
  if (exact) {
    return {
      id: exact.id,
      outputs: { serviceId: exact.id },
      finding: {
        ...none,
        kind: "service",
        status: "unchanged",
        found: { name: exact.name, id: exact.id },
      },
    };
  }
  if (nearMisses.length > 0) {
    const names = nearMisses.map((svc) => `"${svc.name}"`).join(", ");
    return {
      outputs: {},
      finding: {
        ...none,
        kind: "service",
        status: "blocked",
        blockers: [
          `no service named "${inputs.name}", but ${names} exists: set ${inputs.nameConfigKey ?? "its name"} to ${names} if that is the one (up would otherwise create a second, empty service)`,
        ],
      },
    };
  }
  return { outputs: {}, finding: { ...none, kind: "service", status: "create" } };
}

export async function inspectUsageLimit(
  client: RailwayClient,
  inputs: { projectId?: string; softLimitDollars: number; hardLimitDollars: number },
): Promise<Inspection> {
  const live = inputs.projectId ? await liveLimit(client, inputs.projectId) : undefined;
  if (!live) return { outputs: {}, finding: { ...none, kind: "usage-limit", status: "create" } };
  const declared = {
    softLimitDollars: inputs.softLimitDollars,
    hardLimitDollars: inputs.hardLimitDollars,
  };
  const found = { name: `customer ${live.customerId}`, id: live.customerId };
  if (sameLimit(live.limit, declared))
    return {
      id: live.customerId,
      outputs: { customerId: live.customerId },
      finding: { ...none, kind: "usage-limit", status: "unchanged", found },
    };
  const changes: PatchChange[] = [
    {
      key: "softLimitDollars",
      kind: "set",
      from: live.limit?.softLimitDollars ?? null,
      to: declared.softLimitDollars,
    },
    {
      key: "hardLimitDollars",
      kind: "set",
      from: live.limit?.hardLimitDollars ?? null,
      to: declared.hardLimitDollars,
    },
  ].filter((change) => change.from !== change.to) as PatchChange[];
  return {
    id: live.customerId,
    outputs: { customerId: live.customerId },
    finding: { ...none, kind: "usage-limit", status: "change", found, changes },
  };
}

export async function inspectVolume(
  client: RailwayClient,
  inputs: { environmentId?: string; serviceId?: string; mountPath: string },
): Promise<Inspection> {
  const instances =
    inputs.environmentId && inputs.serviceId
      ? await unlessNotFound(liveVolumeInstances(client, inputs.environmentId))
      : undefined;
  const instance = instances?.find((vi) => vi.serviceId === inputs.serviceId);
  if (!instance) return { outputs: {}, finding: { ...none, kind: "volume", status: "create" } };
  const changes: PatchChange[] =
    instance.mountPath === inputs.mountPath
      ? []
      : [{ key: "mountPath", kind: "set", from: instance.mountPath, to: inputs.mountPath }];
  return {
    id: instance.volumeId,
    outputs: { volumeId: instance.volumeId, name: instance.volume.name },
    finding: {
      ...none,
      kind: "volume",
      status: changes.length ? "change" : "unchanged",
      found: { name: instance.volume.name, id: instance.volumeId },
      changes,
    },
  };
}

export async function inspectDomain(
  client: RailwayClient,
  inputs: Partial<ServiceDomainInputs> & { serviceName: string },
): Promise<Inspection> {
  if (!inputs.projectId || !inputs.environmentId || !inputs.serviceId)
    return { outputs: {}, finding: { ...none, kind: "domain", status: "create" } };
  const where = {
    projectId: inputs.projectId,
    environmentId: inputs.environmentId,
    serviceId: inputs.serviceId,
  };
  let domain;
  try {
    domain = adoptableDomain(
      (await unlessNotFound(liveServiceDomains(client, where))) ?? [],
      inputs as ServiceDomainInputs,
    );
  } catch (error) {
    return {
      outputs: {},
      finding: { ...none, kind: "domain", status: "blocked", blockers: [failureOf(error)] },
    };
  }
  if (!domain) return { outputs: {}, finding: { ...none, kind: "domain", status: "create" } };
  const wanted = inputs.subdomain
    ? `${inputs.subdomain}.${domain.suffix ?? "up.railway.app"}`
    : domain.domain;
  const changes: PatchChange[] =
    wanted === domain.domain
      ? []
      : [{ key: "domain", kind: "set", from: domain.domain, to: wanted }];
  return {
    id: domain.id,
    outputs: { domainId: domain.id, domain: wanted },
    finding: {
      ...none,
      kind: "domain",
      status: changes.length ? "change" : "unchanged",
      found: { name: domain.domain, id: domain.id },
      changes,
    },
  };
}

function withoutNames(
  values: Record<string, string> | undefined,
  names: readonly string[],
): Record<string, string> | undefined {
  return (
    values && Object.fromEntries(Object.entries(values).filter(([name]) => !names.includes(name)))
  );
}

/** The names of declared variables whose value cannot be known before apply (another provider computes it). */
function unknownVariables(
  inputs: ServiceConfigInputs,
  isUnknown: (value: string) => boolean,
): string[] {
  return Object.entries({ ...inputs.variables, ...inputs.secretVariables })
    .filter(([, value]) => typeof value === "string" && isUnknown(value))
    .map(([name]) => name);
}

/**
 * The provider's own patch for this service in this environment, described key by key; then
 * what the patch cannot fix: variables nobody declared, public entry points on a private service,
 * a config file in the repository that overrides the API, and staged edits that block any write.
 */
export async function inspectServiceConfig(
  client: RailwayClient,
  inputs: Partial<ServiceConfigInputs> & Pick<ServiceConfigInputs, "serviceName" | "source">,
  isUnknown: (value: string) => boolean,
): Promise<Inspection> {
  const declared = inputs as ServiceConfigInputs;
  const secretNames = Object.keys(declared.secretVariables ?? {});
  const environment: LiveEnvironment | undefined = declared.environmentId
    ? await unlessNotFound(readEnvironment(client, declared.environmentId))
    : undefined;
  const entry =
    environment && declared.serviceId ? environment.services[declared.serviceId] : undefined;
  const blockers =
    environment && environment.unmergedChangesCount > 0
      ? [
          `environment "${environment.name}" has ${environment.unmergedChangesCount} staged change(s) nobody applied: apply or discard them in the dashboard (a commit would ship them with this program's)`,
        ]
      : [];
  const kept = Object.keys(declared.preservedVariables ?? {}).filter((name) =>
    keepsLiveValue(name, entry, declared),
  );
  const unknown = unknownVariables(declared, isUnknown).filter((name) => !kept.includes(name));
  // Values another provider computes at apply time are left out of the patch: they can neither be shown nor said to deploy.
  const comparable: ServiceConfigInputs = {
    ...declared,
    variables: withoutNames(declared.variables, unknown),
    secretVariables: withoutNames(declared.secretVariables, unknown),
  };
  const patch = servicePatch(entry, comparable);
  const changes = describePatch(entry, patch, secretNames);
  if (!entry || !hasSource(entry)) {
    return {
      outputs: {},
      finding: {
        ...none,
        kind: "service-config",
        status: blockers.length ? "blocked" : "create",
        changes,
        deploys: true,
        unknown: unknown.map((name) => `variables.${name}`),
        blockers,
      },
    };
  }
  const declaredNames = new Set(
    Object.keys({ ...declared.variables, ...declared.secretVariables }),
  );
  const unmanaged = Object.keys(entry.variables ?? {}).filter(
    (name) => !declaredNames.has(name) && !RAILWAY_PROVIDED.test(name),
  );
  const leftWrong: string[] = [];
  if (unmanaged.length > 0) {
    leftWrong.push(
      `live variables the stack does not manage: ${unmanaged.sort().join(", ")} (declare them under railway.<role>.variables or railwaySecrets.<role>, or delete them in the dashboard)`,
    );
  }
  const proxyChanges: PatchChange[] = [];
  if (declared.privateNetworkOnly && declared.environmentId && declared.serviceId) {
    for (const proxy of (await unlessNotFound(
      publicProxies(client, declared.environmentId, declared.serviceId),
    )) ?? []) {
      proxyChanges.push({ key: `tcpProxy.${proxy.domain}:${proxy.proxyPort}`, kind: "remove" });
    }
    const domains =
      (await unlessNotFound(
        liveServiceDomains(client, {
          projectId: environment!.projectId,
          environmentId: declared.environmentId,
          serviceId: declared.serviceId,
        }),
      )) ?? [];
    for (const domain of domains)
      leftWrong.push(
        `public domain ${domain.domain} on a private service: delete it in the dashboard (Settings > Networking)`,
      );
  }
  const settings =
    declared.environmentId && declared.serviceId
      ? await unlessNotFound(
          client.request(SERVICE_INSTANCE_SETTINGS, {
            environmentId: declared.environmentId,
            serviceId: declared.serviceId,
          }),
        )
      : undefined;
  const configFile = settings?.serviceInstance.railwayConfigFile;
  if (configFile) {
    leftWrong.push(
      `config as code: ${configFile} in the repository overrides settings this program sets through the API at each deploy (docs infrastructure-as-code.md): remove it, or keep settings in one place`,
    );
  }
  const { repo, branch } = declared.source;
  if (
    repo &&
    branch &&
    declared.projectId &&
    !changes.some((change) => change.key.startsWith("source."))
  ) {
    const found = missingBranchTrigger(
      (await unlessNotFound(
        branchTriggers(client, {
          projectId: declared.projectId,
          environmentId: declared.environmentId,
          serviceId: declared.serviceId,
        }),
      )) ?? [],
      repo,
      branch,
    );
    if (found !== undefined) {
      leftWrong.push(
        `no branch trigger for ${repo}@${branch} (found: ${found}): pushes will not deploy. ${GITHUB_APP_FIX} (up fails on this after its commit)`,
      );
    }
  }
  const allChanges = [...changes, ...proxyChanges];
  return {
    id: `${declared.environmentId}:${declared.serviceId}`,
    outputs: { adopted: true },
    finding: {
      kind: "service-config",
      status: blockers.length ? "blocked" : allChanges.length ? "change" : "unchanged",
      changes: allChanges,
      deploys: patchNeedsDeploy(patch),
      unknown: unknown.map((name) => `variables.${name}`),
      kept,
      leftWrong,
      blockers,
    },
  };
}
