import * as pulumi from "@pulumi/pulumi";
import { SERVICE_INSTANCE, SERVICE_INSTANCE_DEPLOY, SERVICE_INSTANCE_UPDATE } from "./operations";
import { changedKeys, diffByKeys, failure, missingIds, PROVIDER_VERSION, RailwayProvider, unlessNotFound, type ClientTuning } from "./provider";

export const RESTART_POLICIES = ["ALWAYS", "NEVER", "ON_FAILURE"] as const;

/** Per-environment settings of a service; a setting left out is cleared (null), never left to chance. */
export interface ServiceInstanceSettings {
  rootDirectory?: string;
  buildCommand?: string;
  startCommand?: string;
  healthcheckPath?: string;
  healthcheckTimeout?: number;
  cronSchedule?: string;
  numReplicas: number;
  /** Omitted when unset: Railway then keeps the region it chose. */
  region?: string;
  restartPolicyType: (typeof RESTART_POLICIES)[number];
  restartPolicyMaxRetries: number;
  sleepApplication: boolean;
}

export const SETTING_KEYS = [
  "rootDirectory",
  "buildCommand",
  "startCommand",
  "healthcheckPath",
  "healthcheckTimeout",
  "cronSchedule",
  "numReplicas",
  "region",
  "restartPolicyType",
  "restartPolicyMaxRetries",
  "sleepApplication",
] as const satisfies readonly (keyof ServiceInstanceSettings)[];

export interface ServiceInstanceInputs extends ServiceInstanceSettings {
  serviceId: string;
  environmentId: string;
  /** Settings only take effect on the next deployment; redeploy once after an update. Defaults to true. */
  redeployOnUpdate: boolean;
  providerVersion: string;
}

export type ServiceInstanceOutputs = ServiceInstanceInputs;

/** The full input Railway gets every time: it resets an omitted numReplicas to 1. */
function fullSettings(settings: ServiceInstanceSettings): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) input[key] = settings[key] ?? null;
  if (settings.region === undefined) delete input.region;
  return input;
}

type Reported = Record<(typeof SETTING_KEYS)[number], unknown>;

function settingsFrom(reported: Reported, fallback?: ServiceInstanceSettings): ServiceInstanceSettings {
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const number = (value: unknown) => (typeof value === "number" ? value : undefined);
  return {
    rootDirectory: text(reported.rootDirectory),
    buildCommand: text(reported.buildCommand),
    startCommand: text(reported.startCommand),
    healthcheckPath: text(reported.healthcheckPath),
    healthcheckTimeout: number(reported.healthcheckTimeout),
    cronSchedule: text(reported.cronSchedule),
    numReplicas: number(reported.numReplicas) ?? 1,
    region: fallback?.region === undefined ? undefined : text(reported.region),
    restartPolicyType: (reported.restartPolicyType as ServiceInstanceSettings["restartPolicyType"]) ?? "ON_FAILURE",
    restartPolicyMaxRetries: number(reported.restartPolicyMaxRetries) ?? 0,
    sleepApplication: reported.sleepApplication === true,
  };
}

const instanceId = (inputs: { environmentId: string; serviceId: string }) => `${inputs.environmentId}:${inputs.serviceId}`;

/**
 * Settings of one service in one environment (serviceInstance /
 * serviceInstanceUpdate). The instance exists as soon as the service does, so
 * create writes the settings only where they differ, and delete leaves it.
 */
export class ServiceInstanceProvider extends RailwayProvider implements pulumi.dynamic.ResourceProvider<ServiceInstanceInputs, ServiceInstanceOutputs> {
  constructor(tuning?: ClientTuning) {
    super(tuning);
  }

  async check(_olds: ServiceInstanceInputs, news: ServiceInstanceInputs): Promise<pulumi.dynamic.CheckResult<ServiceInstanceInputs>> {
    const failures = missingIds(news, ["serviceId", "environmentId"]);
    if (!Number.isInteger(news.numReplicas) || news.numReplicas < 1) failures.push(failure("numReplicas", "must be a whole number ≥ 1"));
    if (!RESTART_POLICIES.includes(news.restartPolicyType)) failures.push(failure("restartPolicyType", `one of ${RESTART_POLICIES.join(", ")}`));
    if (news.healthcheckPath !== undefined && !news.healthcheckPath.startsWith("/")) failures.push(failure("healthcheckPath", 'must start with "/", e.g. /health'));
    if (news.cronSchedule !== undefined && news.cronSchedule.trim().split(/\s+/).length !== 5) failures.push(failure("cronSchedule", 'five cron fields in UTC, e.g. "0 */6 * * *"'));
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: ServiceInstanceOutputs, news: ServiceInstanceInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffByKeys<ServiceInstanceInputs>(olds, news, ["serviceId", "environmentId"], [...SETTING_KEYS, "redeployOnUpdate"]);
  }

  async create(inputs: ServiceInstanceInputs): Promise<pulumi.dynamic.CreateResult<ServiceInstanceOutputs>> {
    const client = this.client();
    const { serviceInstance } = await this.eventually(() =>
      client.request(SERVICE_INSTANCE, { environmentId: inputs.environmentId, serviceId: inputs.serviceId }),
    );
    const current = settingsFrom(serviceInstance, inputs);
    if (changedKeys<ServiceInstanceSettings>(current, inputs, SETTING_KEYS).length > 0) {
      await client.request(SERVICE_INSTANCE_UPDATE, {
        serviceId: inputs.serviceId,
        environmentId: inputs.environmentId,
        input: fullSettings(inputs),
      });
    }
    return { id: instanceId(inputs), outs: inputs };
  }

  async read(id: string, props?: ServiceInstanceOutputs): Promise<pulumi.dynamic.ReadResult<ServiceInstanceOutputs>> {
    const [environmentId = "", serviceId = ""] = id.split(":");
    const found = await unlessNotFound(this.client().request(SERVICE_INSTANCE, { environmentId, serviceId }));
    if (!found || found.serviceInstance.deletedAt) return { id: "" };
    const outs: ServiceInstanceOutputs = {
      ...settingsFrom(found.serviceInstance, props),
      serviceId,
      environmentId,
      redeployOnUpdate: props?.redeployOnUpdate ?? true,
      providerVersion: props?.providerVersion ?? PROVIDER_VERSION,
    };
    return { id, props: outs, inputs: outs };
  }

  async update(_id: string, olds: ServiceInstanceOutputs, news: ServiceInstanceInputs): Promise<pulumi.dynamic.UpdateResult<ServiceInstanceOutputs>> {
    if (changedKeys<ServiceInstanceSettings>(olds, news, SETTING_KEYS).length > 0) {
      const client = this.client();
      const target = { serviceId: news.serviceId, environmentId: news.environmentId };
      await client.request(SERVICE_INSTANCE_UPDATE, { ...target, input: fullSettings(news) });
      if (news.redeployOnUpdate) await client.request(SERVICE_INSTANCE_DEPLOY, target);
    }
    return { outs: news };
  }

  async delete(): Promise<void> {
    // Settings live and die with the service and the environment; nothing to remove.
  }
}

export interface ServiceInstanceArgs {
  readonly serviceId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  readonly rootDirectory?: pulumi.Input<string>;
  readonly buildCommand?: pulumi.Input<string>;
  readonly startCommand?: pulumi.Input<string>;
  readonly healthcheckPath?: pulumi.Input<string>;
  readonly healthcheckTimeout?: pulumi.Input<number>;
  readonly cronSchedule?: pulumi.Input<string>;
  /** Defaults to 1. */
  readonly numReplicas?: pulumi.Input<number>;
  readonly region?: pulumi.Input<string>;
  /** Defaults to "ON_FAILURE". */
  readonly restartPolicyType?: pulumi.Input<ServiceInstanceSettings["restartPolicyType"]>;
  /** Defaults to 10. */
  readonly restartPolicyMaxRetries?: pulumi.Input<number>;
  /** Defaults to false. */
  readonly sleepApplication?: pulumi.Input<boolean>;
  /** Defaults to true. */
  readonly redeployOnUpdate?: pulumi.Input<boolean>;
}

export class ServiceInstance extends pulumi.dynamic.Resource {
  declare readonly numReplicas: pulumi.Output<number>;

  constructor(name: string, args: ServiceInstanceArgs, opts?: pulumi.CustomResourceOptions, tuning?: ClientTuning) {
    super(
      new ServiceInstanceProvider(tuning),
      name,
      {
        ...args,
        numReplicas: args.numReplicas ?? 1,
        restartPolicyType: args.restartPolicyType ?? "ON_FAILURE",
        restartPolicyMaxRetries: args.restartPolicyMaxRetries ?? 10,
        sleepApplication: args.sleepApplication ?? false,
        redeployOnUpdate: args.redeployOnUpdate ?? true,
        providerVersion: PROVIDER_VERSION,
      },
      opts,
      "railway",
      "ServiceInstance",
    );
  }
}
