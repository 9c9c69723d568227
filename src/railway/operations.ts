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
   * not run them (HTTP 429), and creates re-check by name instead.
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

const PROJECT_FIELDS = "id name description workspaceId deletedAt environments { edges { node { id name } } }";

export const PROJECTS_IN_WORKSPACE = operation(
  "ProjectsInWorkspace",
  `query ProjectsInWorkspace($workspaceId: String!) {
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
    deletedAt: zod.string().nullable(),
    unmergedChangesCount: zod.number().nullable(),
  });

const ENVIRONMENT_FIELDS = "id name projectId deletedAt unmergedChangesCount";

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
  zod.object({ id: zod.string(), name: zod.string(), projectId: zod.string(), deletedAt: zod.string().nullable() });

const SERVICE_FIELDS = "id name projectId deletedAt";

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

export const SERVICE_UPDATE = operation(
  "ServiceUpdate",
  `mutation ServiceUpdate($id: String!, $input: ServiceUpdateInput!) { serviceUpdate(id: $id, input: $input) { ${SERVICE_FIELDS} } }`,
  (zod) => zod.object({ serviceUpdate: serviceNode(zod) }),
);

export const SERVICE_CONNECT = operation(
  "ServiceConnect",
  `mutation ServiceConnect($id: String!, $input: ServiceConnectInput!) { serviceConnect(id: $id, input: $input) { ${SERVICE_FIELDS} } }`,
  (zod) => zod.object({ serviceConnect: serviceNode(zod) }),
);

export const SERVICE_DELETE = operation(
  "ServiceDelete",
  `mutation ServiceDelete($id: String!) { serviceDelete(id: $id) }`,
  (zod) => zod.object({ serviceDelete: zod.boolean() }),
);

const serviceInstanceNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    serviceId: zod.string(),
    environmentId: zod.string(),
    deletedAt: zod.string().nullable(),
    source: zod.object({ image: zod.string().nullable(), repo: zod.string().nullable() }).nullable(),
    rootDirectory: zod.string().nullable(),
    buildCommand: zod.string().nullable(),
    startCommand: zod.string().nullable(),
    healthcheckPath: zod.string().nullable(),
    healthcheckTimeout: zod.number().nullable(),
    cronSchedule: zod.string().nullable(),
    numReplicas: zod.number().nullable(),
    region: zod.string().nullable(),
    restartPolicyType: zod.string(),
    restartPolicyMaxRetries: zod.number(),
    sleepApplication: zod.boolean().nullable(),
  });

export const SERVICE_INSTANCE = operation(
  "ServiceInstance",
  `query ServiceInstance($environmentId: String!, $serviceId: String!) {
    serviceInstance(environmentId: $environmentId, serviceId: $serviceId) {
      id serviceId environmentId deletedAt source { image repo }
      rootDirectory buildCommand startCommand healthcheckPath healthcheckTimeout cronSchedule
      numReplicas region restartPolicyType restartPolicyMaxRetries sleepApplication
    }
  }`,
  (zod) => zod.object({ serviceInstance: serviceInstanceNode(zod) }),
);

export const SERVICE_INSTANCE_UPDATE = operation(
  "ServiceInstanceUpdate",
  `mutation ServiceInstanceUpdate($serviceId: String!, $environmentId: String!, $input: ServiceInstanceUpdateInput!) {
    serviceInstanceUpdate(serviceId: $serviceId, environmentId: $environmentId, input: $input)
  }`,
  (zod) => zod.object({ serviceInstanceUpdate: zod.boolean() }),
);

/** Resent after an unclear failure: a second deployment of the same settings is harmless, a lost one is not. */
export const SERVICE_INSTANCE_DEPLOY = operation(
  "ServiceInstanceDeploy",
  `mutation ServiceInstanceDeploy($environmentId: String!, $serviceId: String!) {
    serviceInstanceDeployV2(environmentId: $environmentId, serviceId: $serviceId)
  }`,
  (zod) => zod.object({ serviceInstanceDeployV2: zod.string() }),
);

export const VARIABLES = operation(
  "Variables",
  `query Variables($projectId: String!, $environmentId: String!, $serviceId: String) {
    variables(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, unrendered: true)
  }`,
  (zod) => zod.object({ variables: zod.record(zod.string(), zod.string()) }),
);

export const VARIABLE_COLLECTION_UPSERT = operation(
  "VariableCollectionUpsert",
  `mutation VariableCollectionUpsert($input: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $input) }`,
  (zod) => zod.object({ variableCollectionUpsert: zod.boolean() }),
);

/** One variable per call, deploying each time: what a per-variable writer sends (benchmarked for comparison). */
export const VARIABLE_UPSERT = operation(
  "VariableUpsert",
  `mutation VariableUpsert($input: VariableUpsertInput!) { variableUpsert(input: $input) }`,
  (zod) => zod.object({ variableUpsert: zod.boolean() }),
);

export const ENVIRONMENT_PATCH_COMMIT = operation(
  "EnvironmentPatchCommit",
  `mutation EnvironmentPatchCommit($environmentId: String!, $patch: EnvironmentConfig, $commitMessage: String) {
    environmentPatchCommit(environmentId: $environmentId, patch: $patch, commitMessage: $commitMessage)
  }`,
  (zod) => zod.object({ environmentPatchCommit: zod.string() }),
);

export const ENVIRONMENT_STAGE_CHANGES = operation(
  "EnvironmentStageChanges",
  `mutation EnvironmentStageChanges($environmentId: String!, $input: EnvironmentConfig!) {
    environmentStageChanges(environmentId: $environmentId, input: $input, merge: true) { id status }
  }`,
  (zod) => zod.object({ environmentStageChanges: zod.object({ id: zod.string(), status: zod.string() }) }),
);

export const ENVIRONMENT_COMMIT_STAGED = operation(
  "EnvironmentCommitStaged",
  `mutation EnvironmentCommitStaged($environmentId: String!, $commitMessage: String) {
    environmentPatchCommitStaged(environmentId: $environmentId, commitMessage: $commitMessage, skipDeploys: true)
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

const VOLUME_INSTANCE_FIELDS = "id volumeId serviceId environmentId mountPath isPendingDeletion deletedAt volume { name }";

export const ENVIRONMENT_VOLUMES = operation(
  "EnvironmentVolumes",
  `query EnvironmentVolumes($id: String!) {
    environment(id: $id) { volumeInstances(first: 500) { edges { node { ${VOLUME_INSTANCE_FIELDS} } } } }
  }`,
  (zod) => zod.object({ environment: zod.object({ volumeInstances: connection(zod, volumeInstanceNode(zod)) }) }),
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

export const VOLUME_DELETE = operation(
  "VolumeDelete",
  `mutation VolumeDelete($volumeId: String!) { volumeDelete(volumeId: $volumeId) }`,
  (zod) => zod.object({ volumeDelete: zod.boolean() }),
);

const serviceDomainNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    domain: zod.string(),
    suffix: zod.string().nullable(),
    targetPort: zod.number().nullable(),
    serviceId: zod.string(),
    environmentId: zod.string(),
  });

const SERVICE_DOMAIN_FIELDS = "id domain suffix targetPort serviceId environmentId";

export const SERVICE_DOMAINS = operation(
  "ServiceDomains",
  `query ServiceDomains($projectId: String!, $environmentId: String!, $serviceId: String!) {
    domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
      serviceDomains { ${SERVICE_DOMAIN_FIELDS} }
    }
  }`,
  (zod) => zod.object({ domains: zod.object({ serviceDomains: zod.array(serviceDomainNode(zod)) }) }),
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

const triggerNode = (zod: ZodApi) =>
  zod.object({
    id: zod.string(),
    projectId: zod.string(),
    environmentId: zod.string(),
    serviceId: zod.string().nullable(),
    provider: zod.string(),
    repository: zod.string(),
    branch: zod.string(),
  });

const TRIGGER_FIELDS = "id projectId environmentId serviceId provider repository branch";

export const DEPLOYMENT_TRIGGERS = operation(
  "DeploymentTriggers",
  `query DeploymentTriggers($projectId: String!, $environmentId: String!, $serviceId: String!) {
    deploymentTriggers(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId, first: 50) {
      edges { node { ${TRIGGER_FIELDS} } }
    }
  }`,
  (zod) => zod.object({ deploymentTriggers: connection(zod, triggerNode(zod)) }),
);

export const DEPLOYMENT_TRIGGER_CREATE = operation(
  "DeploymentTriggerCreate",
  `mutation DeploymentTriggerCreate($input: DeploymentTriggerCreateInput!) { deploymentTriggerCreate(input: $input) { ${TRIGGER_FIELDS} } }`,
  (zod) => zod.object({ deploymentTriggerCreate: triggerNode(zod) }),
  false,
);

export const DEPLOYMENT_TRIGGER_UPDATE = operation(
  "DeploymentTriggerUpdate",
  `mutation DeploymentTriggerUpdate($id: String!, $input: DeploymentTriggerUpdateInput!) {
    deploymentTriggerUpdate(id: $id, input: $input) { ${TRIGGER_FIELDS} }
  }`,
  (zod) => zod.object({ deploymentTriggerUpdate: triggerNode(zod) }),
);

export const DEPLOYMENT_TRIGGER_DELETE = operation(
  "DeploymentTriggerDelete",
  `mutation DeploymentTriggerDelete($id: String!) { deploymentTriggerDelete(id: $id) }`,
  (zod) => zod.object({ deploymentTriggerDelete: zod.boolean() }),
);
