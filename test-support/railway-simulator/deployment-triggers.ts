import type { SimulatorState } from "./state.js";

/**
 * The branch trigger a service's repository source deploys pushes through: one per service
 * and environment, `{repository, branch, provider}` (CLI
 * `src/gql/mutations/strings/DeploymentTriggerCreate.graphql`; terraform-provider-railway
 * `resource_service.go` reads it back from `deploymentTriggers`). Connecting a repository by a
 * committed patch makes or repoints it, unless the test says the repository has no autodeploy
 * (`reposWithoutBranchTrigger`); an image source, or none, has no trigger. That the patch
 * (rather than a separate `deploymentTriggerCreate`) makes it is a simulator assumption.
 */
export function syncBranchTrigger(
  state: SimulatorState,
  environmentId: string,
  serviceId: string,
): void {
  const instance = state.findServiceInstance(environmentId, serviceId);
  const repository = instance?.source?.repo;
  const [existing, ...extra] = state.findDeploymentTriggers(environmentId, serviceId);
  for (const trigger of extra) state.deploymentTriggers.delete(trigger.id);
  if (!instance || !repository || state.reposWithoutBranchTrigger.has(repository)) {
    if (existing) state.deploymentTriggers.delete(existing.id);
    return;
  }
  const branch = instance.source?.branch ?? "main";
  if (existing) {
    existing.repository = repository;
    existing.branch = branch;
    existing.rootDirectory = instance.rootDirectory;
    return;
  }
  const environment = state.requireEnvironment(environmentId);
  state.createDeploymentTrigger({
    projectId: environment.projectId,
    environmentId,
    serviceId,
    repository,
    branch,
    rootDirectory: instance.rootDirectory,
  });
}
