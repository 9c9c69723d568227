import type { z } from "zod";

/**
 * Every GraphQL document the provider sends, each with the zod schema of its
 * answer. Schemas are built from the zod module handed in at call time, because
 * Pulumi serializes the provider's code and cannot serialize a prebuilt schema.
 */
export type ZodApi = typeof z;

export interface Operation<TData> {
  readonly name: string;
  readonly document: string;
  readonly response: (zod: ZodApi) => z.ZodType<TData>;
  /**
   * False for mutations that make something new (an object, a deployment): sent
   * twice they make two, so the client only retries them when Railway surely did
   * not run them (HTTP 429, or a GraphQL throttle error), and creates re-check by name instead.
   */
  readonly idempotent: boolean;
}

function operation<TData>(
  name: string,
  document: string,
  response: (zod: ZodApi) => z.ZodType<TData>,
  idempotent = true,
): Operation<TData> {
  return { name, document, response, idempotent };
}

const connection = <T extends z.ZodType>(zod: ZodApi, node: T) =>
  zod.object({ edges: zod.array(zod.object({ node })) });

const projectNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    name: zod.string(),
    description: zod.string().nullable(),
    workspaceId: zod.string().nullable(),
    deletedAt: zod.string().nullable(),
    environments: connection(zod, zod.object({ id: zod.string(), name: zod.string() })),
  });

const PROJECT_FIELDS =
  "id name description workspaceId deletedAt environments { edges { node { id name } } }";

export const PROJECTS_IN_WORKSPACE = operation(
  "ProjectsInWorkspace",
  `query ProjectsInWorkspace($workspaceId: String) {
    projects(workspaceId: $workspaceId, first: 500) { edges { node { ${PROJECT_FIELDS} } } }
  }`,
  (zod) => zod.object({ projects: connection(zod, projectNode(zod)) }),
);

export const PROJECT = operation(
  "Project",
  `query Project($id: String!) { project(id: $id) { ${PROJECT_FIELDS} } }`,
  (zod) => zod.object({ project: projectNode(zod) }),
);

export const PROJECT_CREATE = operation(
  "ProjectCreate",
  `mutation ProjectCreate($input: ProjectCreateInput!) { projectCreate(input: $input) { ${PROJECT_FIELDS} } }`,
  (zod) => zod.object({ projectCreate: projectNode(zod) }),
  false,
);

export const PROJECT_UPDATE = operation(
  "ProjectUpdate",
  `mutation ProjectUpdate($id: String!, $input: ProjectUpdateInput!) { projectUpdate(id: $id, input: $input) { ${PROJECT_FIELDS} } }`,
  (zod) => zod.object({ projectUpdate: projectNode(zod) }),
);

export const PROJECT_DELETE = operation(
  "ProjectDelete",
  `mutation ProjectDelete($id: String!) { projectDelete(id: $id) }`,
  (zod) => zod.object({ projectDelete: zod.boolean() }),
);

const environmentNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    name: zod.string(),
    projectId: zod.string(),
    createdAt: zod.string(),
    isEphemeral: zod.boolean(),
    deletedAt: zod.string().nullable(),
    unmergedChangesCount: zod.number().nullable(),
  });

const ENVIRONMENT_FIELDS = "id name projectId createdAt isEphemeral deletedAt unmergedChangesCount";

export const ENVIRONMENTS = operation(
  "Environments",
  `query Environments($projectId: String!) {
    environments(projectId: $projectId, first: 500) { edges { node { ${ENVIRONMENT_FIELDS} } } }
  }`,
  (zod) => zod.object({ environments: connection(zod, environmentNode(zod)) }),
);

export const ENVIRONMENT = operation(
  "Environment",
  `query Environment($id: String!) { environment(id: $id) { ${ENVIRONMENT_FIELDS} } }`,
  (zod) => zod.object({ environment: environmentNode(zod) }),
);

/**
 * The environment's whole config (EnvironmentConfig, a JSON scalar; CLI
 * `src/gql/queries/strings/EnvironmentConfig.graphql`), with variable values
 * decrypted. Parsed loosely here; `environment-config.ts` reads the parts it uses.
 */
export const ENVIRONMENT_CONFIG = operation(
  "EnvironmentConfig",
  `query EnvironmentConfig($id: String!) {
    environment(id: $id) { ${ENVIRONMENT_FIELDS} config(decryptVariables: true) }
  }`,
  (zod) =>
    zod.object({
      environment: environmentNode(zod).extend({ config: zod.record(zod.string(), zod.unknown()) }),
    }),
);

/** Every environment of a project with its config, variables masked: which of them still configure a service. */
export const PROJECT_ENVIRONMENT_CONFIGS = operation(
  "ProjectEnvironmentConfigs",
  `query ProjectEnvironmentConfigs($projectId: String!) {
    environments(projectId: $projectId, first: 500) { edges { node { id name config(decryptVariables: false) } } }
  }`,
  (zod) =>
    zod.object({
      environments: connection(
        zod,
        zod.object({
          id: zod.string(),
          name: zod.string(),
          config: zod.record(zod.string(), zod.unknown()),
        }),
      ),
    }),
);

export const ENVIRONMENT_CREATE = operation(
  "EnvironmentCreate",
  `mutation EnvironmentCreate($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { ${ENVIRONMENT_FIELDS} } }`,
  (zod) => zod.object({ environmentCreate: environmentNode(zod) }),
  false,
);

export const ENVIRONMENT_RENAME = operation(
  "EnvironmentRename",
  `mutation EnvironmentRename($id: String!, $input: EnvironmentRenameInput!) {
    environmentRename(id: $id, input: $input) { ${ENVIRONMENT_FIELDS} }
  }`,
  (zod) => zod.object({ environmentRename: environmentNode(zod) }),
);

export const ENVIRONMENT_DELETE = operation(
  "EnvironmentDelete",
  `mutation EnvironmentDelete($id: String!) { environmentDelete(id: $id) }`,
  (zod) => zod.object({ environmentDelete: zod.boolean() }),
);

const serviceNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    name: zod.string(),
    projectId: zod.string(),
    createdAt: zod.string(),
    deletedAt: zod.string().nullable(),
  });

const SERVICE_FIELDS = "id name projectId createdAt deletedAt";

export const PROJECT_SERVICES = operation(
  "ProjectServices",
  `query ProjectServices($id: String!) { project(id: $id) { services(first: 500) { edges { node { ${SERVICE_FIELDS} } } } } }`,
  (zod) => zod.object({ project: zod.object({ services: connection(zod, serviceNode(zod)) }) }),
);

export const SERVICE = operation(
  "Service",
  `query Service($id: String!) { service(id: $id) { ${SERVICE_FIELDS} } }`,
  (zod) => zod.object({ service: serviceNode(zod) }),
);

export const SERVICE_CREATE = operation(
  "ServiceCreate",
  `mutation ServiceCreate($input: ServiceCreateInput!) { serviceCreate(input: $input) { ${SERVICE_FIELDS} } }`,
  (zod) => zod.object({ serviceCreate: serviceNode(zod) }),
  false,
);

/** Without environmentId: the service goes in every environment that is not a fork (schema, `serviceDelete.environmentId`). */
export const SERVICE_DELETE = operation(
  "ServiceDelete",
  `mutation ServiceDelete($id: String!) { serviceDelete(id: $id) }`,
  (zod) => zod.object({ serviceDelete: zod.boolean() }),
);

/** The deployment Railway last started for a service in an environment (polled after a deploying commit). */
export const SERVICE_INSTANCE_DEPLOYMENT = operation(
  "ServiceInstanceDeployment",
  `query ServiceInstanceDeployment($environmentId: String!, $serviceId: String!) {
    serviceInstance(environmentId: $environmentId, serviceId: $serviceId) { id latestDeployment { id status } }
  }`,
  (zod) =>
    zod.object({
      serviceInstance: zod.object({
        id: zod.string(),
        latestDeployment: zod.object({ id: zod.string(), status: zod.string() }).nullable(),
      }),
    }),
);

/**
 * A new deployment of the service's current config (CLI `src/commands/redeploy.rs` uses the
 * deployment-level variant); used after a secret the service references was rotated, when its
 * own config did not change. Not resent after an unclear failure: it would deploy twice.
 */
export const SERVICE_INSTANCE_REDEPLOY = operation(
  "ServiceInstanceRedeploy",
  `mutation ServiceInstanceRedeploy($environmentId: String!, $serviceId: String!) {
    serviceInstanceRedeploy(environmentId: $environmentId, serviceId: $serviceId)
  }`,
  (zod) => zod.object({ serviceInstanceRedeploy: zod.boolean() }),
  false,
);

/** Whether a config file in the repository (railway.json / railway.toml) drives the service's settings (docs infrastructure-as-code.md). */
export const SERVICE_INSTANCE_SETTINGS = operation(
  "ServiceInstanceSettings",
  `query ServiceInstanceSettings($environmentId: String!, $serviceId: String!) {
    serviceInstance(environmentId: $environmentId, serviceId: $serviceId) { id railwayConfigFile }
  }`,
  (zod) =>
    zod.object({
      serviceInstance: zod.object({ id: zod.string(), railwayConfigFile: zod.string().nullable() }),
    }),
);

/** Public TCP proxies of a service in an environment (CLI `src/controllers/tcp_proxy.rs`). */
export const TCP_PROXIES = operation(
  "TcpProxies",
  `query TcpProxies($environmentId: String!, $serviceId: String!) {
    tcpProxies(environmentId: $environmentId, serviceId: $serviceId) { id domain proxyPort applicationPort deletedAt syncStatus }
  }`,
  (zod) =>
    zod.object({
      tcpProxies: zod.array(
        zod.object({
          id: zod.string(),
          domain: zod.string(),
          proxyPort: zod.number(),
          applicationPort: zod.number(),
          deletedAt: zod.string().nullable(),
          syncStatus: zod.string(),
        }),
      ),
    }),
);

export const TCP_PROXY_DELETE = operation(
  "TcpProxyDelete",
  `mutation TcpProxyDelete($id: String!) { tcpProxyDelete(id: $id) }`,
  (zod) => zod.object({ tcpProxyDelete: zod.boolean() }),
);

/**
 * Applies a patch at once, leaving the environment's staged changes alone; it has
 * no skipDeploys (schema). Used only for an empty instance, which has nothing to deploy.
 */
export const ENVIRONMENT_PATCH_COMMIT = operation(
  "EnvironmentPatchCommit",
  `mutation EnvironmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {
    environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage)
  }`,
  (zod) => zod.object({ environmentPatchCommit: zod.string() }),
);

/** Merges a patch into the environment's staged changes (CLI `template_apply.rs` `stage_and_commit_patch`). */
export const ENVIRONMENT_STAGE_CHANGES = operation(
  "EnvironmentStageChanges",
  `mutation EnvironmentStageChanges($environmentId: String!, $input: EnvironmentConfig!) {
    environmentStageChanges(environmentId: $environmentId, input: $input, merge: true) { id status }
  }`,
  (zod) =>
    zod.object({ environmentStageChanges: zod.object({ id: zod.string(), status: zod.string() }) }),
);

/**
 * Commits the environment's whole staged patch (CLI `commit_staged_patch`); with
 * skipDeploys false Railway deploys each service the patch changed. Not resent
 * after an unclear failure: the stage is gone once committed.
 */
export const ENVIRONMENT_COMMIT_STAGED = operation(
  "EnvironmentCommitStaged",
  `mutation EnvironmentCommitStaged($environmentId: String!, $commitMessage: String, $skipDeploys: Boolean!) {
    environmentPatchCommitStaged(environmentId: $environmentId, commitMessage: $commitMessage, skipDeploys: $skipDeploys)
  }`,
  (zod) => zod.object({ environmentPatchCommitStaged: zod.string() }),
  false,
);

const volumeInstanceNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    volumeId: zod.string(),
    serviceId: zod.string().nullable(),
    environmentId: zod.string(),
    mountPath: zod.string(),
    isPendingDeletion: zod.boolean(),
    deletedAt: zod.string().nullable(),
    volume: zod.object({ name: zod.string() }),
  });

const VOLUME_INSTANCE_FIELDS =
  "id volumeId serviceId environmentId mountPath isPendingDeletion deletedAt volume { name }";

export const ENVIRONMENT_VOLUMES = operation(
  "EnvironmentVolumes",
  `query EnvironmentVolumes($id: String!) {
    environment(id: $id) { volumeInstances(first: 500) { edges { node { ${VOLUME_INSTANCE_FIELDS} } } } }
  }`,
  (zod) =>
    zod.object({
      environment: zod.object({ volumeInstances: connection(zod, volumeInstanceNode(zod)) }),
    }),
);

export const VOLUME_CREATE = operation(
  "VolumeCreate",
  `mutation VolumeCreate($input: VolumeCreateInput!) { volumeCreate(input: $input) { id name } }`,
  (zod) => zod.object({ volumeCreate: zod.object({ id: zod.string(), name: zod.string() }) }),
  false,
);

export const VOLUME_INSTANCE_UPDATE = operation(
  "VolumeInstanceUpdate",
  `mutation VolumeInstanceUpdate($volumeId: String!, $environmentId: String!, $input: VolumeInstanceUpdateInput!) {
    volumeInstanceUpdate(volumeId: $volumeId, environmentId: $environmentId, input: $input)
  }`,
  (zod) => zod.object({ volumeInstanceUpdate: zod.boolean() }),
);

const serviceDomainNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    domain: zod.string(),
    suffix: zod.string().nullable(),
    targetPort: zod.number().nullable(),
    serviceId: zod.string(),
    environmentId: zod.string(),
    deletedAt: zod.string().nullable(),
    syncStatus: zod.string(),
  });

const SERVICE_DOMAIN_FIELDS =
  "id domain suffix targetPort serviceId environmentId deletedAt syncStatus";

export const SERVICE_DOMAINS = operation(
  "ServiceDomains",
  `query ServiceDomains($projectId: String!, $environmentId: String!, $serviceId: String!) {
    domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
      serviceDomains { ${SERVICE_DOMAIN_FIELDS} }
    }
  }`,
  (zod) =>
    zod.object({ domains: zod.object({ serviceDomains: zod.array(serviceDomainNode(zod)) }) }),
);

export const SERVICE_DOMAIN_CREATE = operation(
  "ServiceDomainCreate",
  `mutation ServiceDomainCreate($input: ServiceDomainCreateInput!) { serviceDomainCreate(input: $input) { ${SERVICE_DOMAIN_FIELDS} } }`,
  (zod) => zod.object({ serviceDomainCreate: serviceDomainNode(zod) }),
  false,
);

export const SERVICE_DOMAIN_UPDATE = operation(
  "ServiceDomainUpdate",
  `mutation ServiceDomainUpdate($input: ServiceDomainUpdateInput!) { serviceDomainUpdate(input: $input) }`,
  (zod) => zod.object({ serviceDomainUpdate: zod.boolean() }),
);

export const SERVICE_DOMAIN_DELETE = operation(
  "ServiceDomainDelete",
  `mutation ServiceDomainDelete($id: String!) { serviceDomainDelete(id: $id) }`,
  (zod) => zod.object({ serviceDomainDelete: zod.boolean() }),
);

/**
 * The staged patch `environmentStageChanges` answered with, followed after its commit: the
 * commit returns a workflow id and applies asynchronously, and a patch Railway cannot apply
 * (e.g. a repository its GitHub app cannot read) says so only here, in `lastAppliedError`.
 */
export const ENVIRONMENT_PATCH = operation(
  "EnvironmentPatch",
  `query EnvironmentPatch($id: String!) { environmentPatch(id: $id) { id status lastAppliedError createdAt } }`,
  (zod) =>
    zod.object({
      environmentPatch: zod.object({
        id: zod.string(),
        status: zod.string(),
        lastAppliedError: zod.string().nullable(),
        createdAt: zod.string(),
      }),
    }),
);

const deploymentNode = (zod: ZodApi) =>
  zod.object({ id: zod.string(), status: zod.string(), createdAt: zod.string() });

/** A service's recent deployments in one environment, newest first: which of them a commit started. */
export const SERVICE_DEPLOYMENTS = operation(
  "ServiceDeployments",
  `query ServiceDeployments($projectId: String!, $environmentId: String!, $serviceId: String!) {
    deployments(input: { projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId }, first: 10) {
      edges { node { id status createdAt } }
    }
  }`,
  (zod) => zod.object({ deployments: connection(zod, deploymentNode(zod)) }),
);

export const DEPLOYMENT = operation(
  "Deployment",
  `query Deployment($id: String!) { deployment(id: $id) { id status createdAt } }`,
  (zod) => zod.object({ deployment: deploymentNode(zod) }),
);

/**
 * The branch triggers of a service in an environment, one per service and environment
 * (terraform-provider-railway `resource_service.go` reads them back the same way): without
 * one, pushes to the branch deploy nothing.
 */
export const DEPLOYMENT_TRIGGERS = operation(
  "DeploymentTriggers",
  `query DeploymentTriggers($projectId: String!, $environmentId: String!, $serviceId: String!) {
    deploymentTriggers(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, first: 20) {
      edges { node { id repository branch provider } }
    }
  }`,
  (zod) =>
    zod.object({
      deploymentTriggers: connection(
        zod,
        zod.object({
          id: zod.string(),
          repository: zod.string(),
          branch: zod.string(),
          provider: zod.string(),
        }),
      ),
    }),
);

const usageLimitNode = (zod: ZodApi) =>
  zod.object({ softLimit: zod.number().int(), hardLimit: zod.number().int().nullable() });

/**
 * The usage limit belongs to the workspace's billing customer (schema `Customer.usageLimit`),
 * reached from the project: a project token sees its own project, not every workspace.
 */
export const PROJECT_USAGE_LIMIT = operation(
  "ProjectUsageLimit",
  `query ProjectUsageLimit($id: String!) {
    project(id: $id) { id workspace { id customer { id usageLimit { softLimit hardLimit } } } }
  }`,
  (zod) =>
    zod.object({
      project: zod.object({
        id: zod.string(),
        workspace: zod
          .object({
            id: zod.string(),
            customer: zod.object({ id: zod.string(), usageLimit: usageLimitNode(zod).nullable() }),
          })
          .nullable(),
      }),
    }),
);

export const USAGE_LIMIT_SET = operation(
  "UsageLimitSet",
  `mutation UsageLimitSet($input: UsageLimitSetInput!) { usageLimitSet(input: $input) }`,
  (zod) => zod.object({ usageLimitSet: zod.boolean() }),
);

export const USAGE_LIMIT_REMOVE = operation(
  "UsageLimitRemove",
  `mutation UsageLimitRemove($input: UsageLimitRemoveInput!) { usageLimitRemove(input: $input) }`,
  (zod) => zod.object({ usageLimitRemove: zod.boolean() }),
);

/**
 * Railway's estimate of each measurement at the end of the billing period, per project of the
 * workspace: quantities, not dollars (`src/invariants/railway-usage.ts` prices them). Deleted
 * projects are included, as their usage stays on the bill (docs reference/project-usage.md) and
 * as the CLI asks (railwayapp/cli `src/commands/usage.rs`, `WorkspaceEstimatedUsage`).
 */
export const WORKSPACE_ESTIMATED_USAGE = operation(
  "WorkspaceEstimatedUsage",
  `query WorkspaceEstimatedUsage($workspaceId: String!, $measurements: [MetricMeasurement!]!) {
    estimatedUsage(workspaceId: $workspaceId, measurements: $measurements, includeDeleted: true) { measurement estimatedValue projectId }
  }`,
  (zod) =>
    zod.object({
      estimatedUsage: zod.array(
        zod.object({
          measurement: zod.string(),
          estimatedValue: zod.number(),
          projectId: zod.string(),
        }),
      ),
    }),
);
