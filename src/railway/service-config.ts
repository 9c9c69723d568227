import * as pulumi from "@pulumi/pulumi";
import type { RailwayClient } from "./client";
import {
  awaitDeploymentSince,
  awaitPatchApplied,
  newestDeploymentAt,
  requireBranchTrigger,
  settleLatest,
  type DeployWait,
} from "./deployments";
import {
  hasSource,
  publicProxies,
  readEnvironment,
  stageAndCommit,
  type LiveEnvironment,
} from "./environment-config";
import { SERVICE_INSTANCE_REDEPLOY, TCP_PROXY_DELETE } from "./operations";
import {
  DEFAULT_DEPLOY_TIMEOUT_SECONDS,
  failure,
  missingIds,
  RailwayProvider,
  unlessNotFound,
  type DiffKeys,
} from "./provider";
import { RailwayResource } from "./resource";
import { refuseWhileConfiguredElsewhere } from "./service";
import {
  BUILDERS,
  CONFIG_KEYS,
  configChanged,
  liveInputs,
  patchNeedsDeploy,
  RESTART_POLICIES,
  servicePatch,
  VARIABLE_NAME,
  type ServiceBuildSettings,
  type ServiceConfigInputs,
  type ServiceDeploySettings,
  type ServiceLimits,
  type ServiceSourceSpec,
} from "./service-patch";

export type { ServiceConfigInputs } from "./service-patch";

export interface ServiceConfigOutputs extends ServiceConfigInputs {
  /** The instance already had a source before this resource first wrote it: destroy then leaves it alone. */
  adopted: boolean;
  /** The deployment the last apply waited for (or found), if any. */
  lastDeploymentId?: string;
}

const instanceId = (inputs: Pick<ServiceConfigInputs, "environmentId" | "serviceId">) =>
  `${inputs.environmentId}:${inputs.serviceId}`;

/**
 * Everything this program owns of one service in one environment, written as
 * ONE environment-config patch (stage with merge, then one commit), so the
 * first deploy already has source, branch, settings, variables and mounts, and
 * each `up` deploys a changed service exactly once. Then waits for that deploy.
 */
export class ServiceConfigProvider extends RailwayProvider<
  ServiceConfigInputs,
  ServiceConfigOutputs
> {
  protected readonly diffKeys = {
    replace: ["projectId", "environmentId", "serviceId"],
    update: [
      "serviceName",
      "role",
      ...CONFIG_KEYS,
      "preservedVariables",
      "redeployOn",
      "privateNetworkOnly",
      "deployTimeoutSeconds",
    ],
  } satisfies DiffKeys<ServiceConfigInputs>;

  protected checkFailures(news: ServiceConfigInputs): pulumi.dynamic.CheckFailure[] {
    const failures = missingIds(news, ["projectId", "environmentId", "serviceId"]);
    if (!news.serviceName?.trim())
      failures.push(failure("serviceName", "the Railway service name is required"));
    const source = news.source ?? {};
    if ([source.image, source.repo].filter(Boolean).length !== 1)
      failures.push(
        failure(
          "source",
          'set exactly one of source.image ("redis:8.2") or source.repo ("owner/name")',
        ),
      );
    if (source.repo && !/^[\w.-]+\/[\w.-]+$/.test(source.repo))
      failures.push(failure("source.repo", 'must be "owner/name"'));
    if (source.repo && !source.branch?.trim())
      failures.push(
        failure(
          "source.branch",
          "the branch this environment deploys is required with source.repo",
        ),
      );
    if (source.image && (source.branch || source.rootDirectory))
      failures.push(failure("source", "branch and rootDirectory only go with source.repo"));
    if (news.build?.builder !== undefined && !BUILDERS.includes(news.build.builder))
      failures.push(failure("build.builder", `one of ${BUILDERS.join(", ")}`));
    const deploy = news.deploy ?? {};
    if (
      deploy.restartPolicyType !== undefined &&
      !RESTART_POLICIES.includes(deploy.restartPolicyType)
    )
      failures.push(failure("deploy.restartPolicyType", `one of ${RESTART_POLICIES.join(", ")}`));
    if (deploy.healthcheckPath !== undefined && !deploy.healthcheckPath.startsWith("/"))
      failures.push(failure("deploy.healthcheckPath", 'must start with "/", e.g. /health'));
    if (deploy.cronSchedule !== undefined && deploy.cronSchedule.trim().split(/\s+/).length !== 5)
      failures.push(failure("deploy.cronSchedule", 'five cron fields in UTC, e.g. "0 */6 * * *"'));
    for (const key of ["numReplicas", "healthcheckTimeout"] as const) {
      const value = deploy[key];
      if (value !== undefined && !(Number.isInteger(value) && value >= 1))
        failures.push(failure(`deploy.${key}`, "a whole number ≥ 1"));
    }
    if (
      deploy.restartPolicyMaxRetries !== undefined &&
      !(Number.isInteger(deploy.restartPolicyMaxRetries) && deploy.restartPolicyMaxRetries >= 0)
    ) {
      failures.push(failure("deploy.restartPolicyMaxRetries", "a whole number ≥ 0"));
    }
    for (const key of ["memoryGB", "vCPUs"] as const) {
      const value = news.limits?.[key];
      if (value !== undefined && !(typeof value === "number" && value > 0))
        failures.push(failure(`limits.${key}`, "a positive number"));
    }
    for (const group of ["variables", "secretVariables"] as const) {
      for (const [name, value] of Object.entries(news[group] ?? {})) {
        if (!VARIABLE_NAME.test(name))
          failures.push(
            failure(
              `${group}.${name}`,
              "names are letters, digits and _, not starting with a digit",
            ),
          );
        if (typeof value !== "string")
          failures.push(failure(`${group}.${name}`, "values must be strings"));
        if (group === "secretVariables" && news.variables && name in news.variables)
          failures.push(
            failure(`secretVariables.${name}`, "declared in variables too; keep it in one of them"),
          );
      }
    }
    for (const [volumeId, mountPath] of Object.entries(news.volumeMounts ?? {})) {
      if (typeof mountPath !== "string" || !mountPath.startsWith("/"))
        failures.push(failure(`volumeMounts.${volumeId}`, 'an absolute path, e.g. "/data"'));
    }
    for (const [key, list] of [
      ["build.watchPatterns", news.build?.watchPatterns],
      ["deploy.preDeployCommand", deploy.preDeployCommand],
    ] as const) {
      if (
        list !== undefined &&
        !(
          Array.isArray(list) &&
          list.every((item) => typeof item === "string" && item.trim() !== "")
        )
      ) {
        failures.push(failure(key, "a list of non-empty strings"));
      }
    }
    for (const name of Object.keys(news.preservedVariables ?? {})) {
      if (!(name in (news.secretVariables ?? {})))
        failures.push(
          failure(
            `preservedVariables.${name}`,
            "only a declared secretVariables entry can be preserved",
          ),
        );
    }
    if (news.deployTimeoutSeconds !== undefined && !(news.deployTimeoutSeconds > 0))
      failures.push(failure("deployTimeoutSeconds", "a positive number of seconds"));
    return failures;
  }

  async create(
    inputs: ServiceConfigInputs,
  ): Promise<pulumi.dynamic.CreateResult<ServiceConfigOutputs>> {
    const client = this.client();
    const { environment, entry } = await this.awaitInstance(
      client,
      await readEnvironment(client, inputs.environmentId),
      inputs.serviceId,
    );
    const adopted = hasSource(entry);
    await this.closePublicProxies(client, environment, inputs);
    const patch = servicePatch(entry, inputs);
    if (!entry) patch.isCreated = true;
    const lastDeploymentId = await this.apply(client, environment, inputs, patch);
    // No undefined in outputs: the dynamic-provider plugin's Struct rejects it.
    return {
      id: instanceId(inputs),
      outs: { ...inputs, adopted, ...(lastDeploymentId ? { lastDeploymentId } : {}) },
    };
  }

  protected async readLive(
    id: string,
    props?: ServiceConfigOutputs,
  ): Promise<ServiceConfigOutputs | undefined> {
    if (!props)
      throw new Error(
        `railway:ServiceConfig "${id}" cannot be imported: declare it, and create adopts the live instance.`,
      );
    const environment = await unlessNotFound(readEnvironment(this.client(), props.environmentId));
    const entry =
      environment && !environment.deletedAt ? environment.services[props.serviceId] : undefined;
    if (!entry) return undefined;
    return {
      ...liveInputs(entry, props),
      adopted: props.adopted,
      lastDeploymentId: props.lastDeploymentId,
    };
  }

  async update(
    _id: string,
    olds: ServiceConfigOutputs,
    news: ServiceConfigInputs,
  ): Promise<pulumi.dynamic.UpdateResult<ServiceConfigOutputs>> {
    const client = this.client();
    const environment = await readEnvironment(client, news.environmentId);
    const entry = environment.services[news.serviceId];
    await this.closePublicProxies(client, environment, news);
    const patch = servicePatch(entry, news, olds);
    if (!entry) patch.isCreated = true;
    const mustSettle = configChanged(olds, news);
    const mustRedeploy =
      JSON.stringify(olds.redeployOn ?? {}) !== JSON.stringify(news.redeployOn ?? {});
    let lastDeploymentId = olds.lastDeploymentId;
    if (Object.keys(patch).length > 0 || (mustSettle && !mustRedeploy))
      lastDeploymentId = await this.apply(client, environment, news, patch);
    else if (mustRedeploy) lastDeploymentId = await this.redeploy(client, environment, news);
    const deployment = lastDeploymentId ?? olds.lastDeploymentId;
    return {
      outs: {
        ...news,
        adopted: olds.adopted,
        ...(deployment ? { lastDeploymentId: deployment } : {}),
      },
    };
  }

  /**
   * A new deployment of an unchanged config, after a secret the service references was rotated:
   * whether Railway redeploys services that reference a changed variable is not documented
   * (docs deployments/staged-changes.md says only "services that are affected").
   */
  private async redeploy(
    client: RailwayClient,
    environment: LiveEnvironment,
    inputs: ServiceConfigInputs,
  ): Promise<string> {
    const wait = this.waitFor(environment, inputs);
    const since = await newestDeploymentAt(client, wait);
    await client.request(SERVICE_INSTANCE_REDEPLOY, {
      environmentId: environment.id,
      serviceId: inputs.serviceId,
    });
    return (await awaitDeploymentSince(client, wait, since)).id;
  }

  /** A private service keeps no public TCP proxy: Railway's Redis template adds one (template-marketplace storage/Redis---redis.md). */
  private async closePublicProxies(
    client: RailwayClient,
    environment: LiveEnvironment,
    inputs: ServiceConfigInputs,
  ): Promise<void> {
    if (!inputs.privateNetworkOnly || !environment.services[inputs.serviceId]) return;
    for (const proxy of await publicProxies(client, environment.id, inputs.serviceId)) {
      await client.request(TCP_PROXY_DELETE, { id: proxy.id });
    }
  }

  /**
   * This environment only: `isDeleted` for the service here, no deploys. Never `serviceDelete`.
   * When this stack declares the service itself (`ownsService`) and
   * another environment still configures it, the whole destroy is bound to stop at the Service
   * (its guard refuses): refusing here already, before anything is deleted, keeps this
   * environment whole instead of half destroyed.
   */
  protected async deleteOwned(_id: string, props: ServiceConfigOutputs): Promise<void> {
    const client = this.client();
    const environment = await unlessNotFound(readEnvironment(client, props.environmentId));
    if (!environment || environment.deletedAt || !environment.services[props.serviceId]) return;
    if (props.ownsService) {
      await refuseWhileConfiguredElsewhere(
        client,
        {
          projectId: props.projectId,
          serviceId: props.serviceId,
          serviceName: props.serviceName,
          exceptEnvironmentId: environment.id,
        },
        (others) =>
          `Railway service "${props.serviceName}" is still configured in environment(s) ${others}, ` +
          `and this stack declares the service, so destroying it would remove it there too. Nothing was removed from "${environment.name}". ` +
          "Destroy those stacks first, then run `pulumi destroy` again.",
      );
    }
    const patchId = await stageAndCommit(
      client,
      environment,
      { services: { [props.serviceId]: { isDeleted: true } } },
      {
        skipDeploys: true,
        commitMessage: `pulumi: remove ${props.serviceName} from ${environment.name}`,
      },
    );
    await awaitPatchApplied(client, patchId, this.waitFor(environment, props));
  }

  /**
   * Commits the patch in one stage + one commit, follows the patch until Railway applied it,
   * checks a repository source's branch trigger, and waits for the deployment the commit
   * started (the first one created after the stage, never an older one). With nothing to send
   * it settles the latest deployment instead: a run that committed and then failed or timed out
   * is finished (or fails again) by the next one, never passed silently.
   */
  private async apply(
    client: RailwayClient,
    environment: LiveEnvironment,
    inputs: ServiceConfigInputs,
    patch: Record<string, unknown>,
  ): Promise<string | undefined> {
    const wait = this.waitFor(environment, inputs);
    if (Object.keys(patch).length === 0) return (await settleLatest(client, wait))?.id;
    const deploys = patchNeedsDeploy(patch);
    const patchId = await stageAndCommit(
      client,
      environment,
      { services: { [inputs.serviceId]: patch } },
      {
        skipDeploys: !deploys,
        commitMessage: `pulumi: configure ${inputs.serviceName} in ${environment.name}`,
      },
    );
    const { stagedAt } = await awaitPatchApplied(client, patchId, wait);
    if (!deploys) return undefined;
    if (inputs.source.repo && inputs.source.branch)
      await requireBranchTrigger(client, wait, inputs.source.repo, inputs.source.branch);
    return (await awaitDeploymentSince(client, wait, stagedAt)).id;
  }

  private waitFor(environment: LiveEnvironment, inputs: ServiceConfigInputs): DeployWait {
    return this.deployWait(environment, {
      projectId: inputs.projectId,
      serviceId: inputs.serviceId,
      serviceName: inputs.serviceName,
      timeoutSeconds:
        inputs.deployTimeoutSeconds ??
        this.configDeployTimeoutSeconds ??
        DEFAULT_DEPLOY_TIMEOUT_SECONDS,
      cron: Boolean(inputs.deploy?.cronSchedule),
      warn: (message) => void pulumi.log.warn(message),
    });
  }
}

export interface ServiceConfigArgs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly serviceId: pulumi.Input<string>;
  /** Railway service name: named in messages and used by `${{name.VAR}}` references. */
  readonly serviceName: pulumi.Input<string>;
  /** What the service is in this program (e.g. "backend"); read by the invariants, never sent to Railway. */
  readonly role?: pulumi.Input<string>;
  /** What the service is declared to be (src/invariants/service-traits.ts); read by the invariants, never sent to Railway. */
  readonly traits?: pulumi.Input<string[]>;
  readonly source: pulumi.Input<ServiceSourceSpec>;
  readonly build?: pulumi.Input<ServiceBuildSettings>;
  readonly deploy?: pulumi.Input<ServiceDeploySettings>;
  readonly limits?: pulumi.Input<ServiceLimits>;
  /** Plain: stay readable in `pulumi preview --diff`. */
  readonly variables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Wrapped in pulumi.secret and kept secret in outputs. */
  readonly secretVariables?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** volumeId → mount path. */
  readonly volumeMounts?: pulumi.Input<Record<string, string>>;
  /** Seconds `up` waits for the deploy it started; overrides the provider default. */
  readonly deployTimeoutSeconds?: pulumi.Input<number>;
  /** Names of `secretVariables` generated by the program, with rotation labels: a live value is kept unless the label changes. */
  readonly preservedVariables?: pulumi.Input<Record<string, string>>;
  /** Rotation labels of secrets this service references: a change redeploys it. */
  readonly redeployOn?: pulumi.Input<Record<string, string>>;
  /** Private only: a public TCP proxy on the service is removed. */
  readonly privateNetworkOnly?: pulumi.Input<boolean>;
  /** This stack declares the service itself: destroy then refuses while another environment configures it. */
  readonly ownsService?: pulumi.Input<boolean>;
}

export class ServiceConfig extends RailwayResource {
  private static readonly provider = new ServiceConfigProvider();

  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly lastDeploymentId: pulumi.Output<string | undefined>;
  declare readonly serviceId: pulumi.Output<string>;
  declare readonly environmentId: pulumi.Output<string>;

  constructor(name: string, args: ServiceConfigArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      ServiceConfig.provider,
      "ServiceConfig",
      name,
      args,
      { outputs: ["adopted", "lastDeploymentId"], secretInputs: ["secretVariables"] },
      opts,
    );
  }
}
