import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME, type RailwayRole } from "../config";
import { reference } from "../invariants/railway-references";
import { Service } from "../railway/service";
import { ServiceConfig, type ServiceConfigArgs } from "../railway/service-config";
import { ServiceDomain } from "../railway/service-domain";

/** Where one service's config goes, and what must be applied before it. */
export interface RailwayPlacement {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  /**
   * The service when another stack declared it (staging configures production's services in its
   * own environment). Omitted, the component declares the service itself (adopted by name).
   */
  readonly serviceId?: pulumi.Input<string>;
  /**
   * Configs of the same environment to apply first. Railway keeps one staged patch per environment,
   * so two configs must never be staged and committed at the same time; the order also lets
   * referenced services exist before their references are deployed.
   */
  readonly after?: readonly pulumi.Resource[];
}

/** Variables a component wires itself, and the stack file's extras for its role. */
export interface VariableSources {
  readonly wired: { readonly plain: Record<string, pulumi.Input<string>>; readonly secret: Record<string, pulumi.Input<string>> };
  readonly extraPlain: Readonly<Record<string, string>>;
  readonly extraSecret: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * One map of plain and one of secret variables, each name in exactly one of them. Extras from the
 * stack file win over wired values: the invariants then judge what really reaches Railway.
 */
export function mergeVariables(sources: VariableSources): {
  variables: Record<string, pulumi.Input<string>>;
  secretVariables: Record<string, pulumi.Input<string>>;
} {
  const variables: Record<string, pulumi.Input<string>> = {};
  const secretVariables: Record<string, pulumi.Input<string>> = {};
  const put = (target: Record<string, pulumi.Input<string>>, other: Record<string, pulumi.Input<string>>, entries: Record<string, pulumi.Input<string>>) => {
    for (const [name, value] of Object.entries(entries)) {
      delete other[name];
      target[name] = value;
    }
  };
  put(variables, secretVariables, sources.wired.plain);
  put(secretVariables, variables, sources.wired.secret);
  put(variables, secretVariables, sources.extraPlain);
  put(secretVariables, variables, sources.extraSecret);
  return { variables, secretVariables };
}

/** The service's id: the one handed in, or a service this component declares (created empty, adopted by name). */
export function serviceIdFor(owner: pulumi.ComponentResource, name: string, placement: RailwayPlacement, serviceName: pulumi.Input<string>, role: RailwayRole): pulumi.Output<string> {
  if (placement.serviceId !== undefined) return pulumi.output(placement.serviceId);
  const nameConfigKey = `${PROJECT_NAME}:railway.${role}.name`;
  return new Service(`${name}-service`, { projectId: placement.projectId, name: serviceName, nameConfigKey }, { parent: owner }).serviceId;
}

/** `${{<service>.<variable>}}` for a service name that may be another stack's output. */
export function referenceTo(service: pulumi.Input<string>, variable: string): pulumi.Output<string> {
  return pulumi.output(service).apply((name) => reference(name, variable));
}

/** What every app service component takes besides its own settings. */
export interface RailwayServiceArgs {
  readonly placement: RailwayPlacement;
  /** Railway service name; other services reference `${{<name>.VAR}}`. Staging's come from production's outputs. */
  readonly serviceName: pulumi.Input<string>;
  /** The stack file's `railway.<role>.variables`. */
  readonly extraVariables?: Readonly<Record<string, string>>;
  /** The stack file's `railwaySecrets.<role>`, already secret. */
  readonly extraSecretVariables?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** A service's settings in one environment, with the variables it wires before the stack file's extras. */
export type ServiceSettings = Omit<ServiceConfigArgs, "projectId" | "environmentId" | "serviceId" | "serviceName" | "role" | "variables" | "secretVariables"> & {
  readonly role: RailwayRole;
  readonly wired: VariableSources["wired"];
};

/**
 * The component's ServiceConfig (`${name}-config`): the whole config of its service in this
 * environment, applied after `placement.after` and `also` (e.g. its domain, so the first deploy has it).
 */
export function declareServiceConfig(
  owner: pulumi.ComponentResource,
  name: string,
  args: RailwayServiceArgs,
  serviceId: pulumi.Input<string>,
  { role, wired, ...settings }: ServiceSettings,
  also: readonly pulumi.Resource[] = [],
): ServiceConfig {
  const { placement } = args;
  const { variables, secretVariables } = mergeVariables({ wired, extraPlain: args.extraVariables ?? {}, extraSecret: args.extraSecretVariables ?? {} });
  return new ServiceConfig(
    `${name}-config`,
    {
      ...settings,
      projectId: placement.projectId,
      environmentId: placement.environmentId,
      serviceId,
      serviceName: args.serviceName,
      role,
      variables,
      secretVariables,
      ownsService: placement.serviceId === undefined,
    },
    { parent: owner, dependsOn: [...(placement.after ?? []), ...also] },
  );
}

/** A Railway-provided public domain (`${name}-domain`) for the component's service in this environment. */
export function declarePublicDomain(owner: pulumi.ComponentResource, name: string, args: RailwayServiceArgs, serviceId: pulumi.Input<string>, subdomain?: string): ServiceDomain {
  const { placement } = args;
  return new ServiceDomain(
    `${name}-domain`,
    { projectId: placement.projectId, environmentId: placement.environmentId, serviceId, serviceName: args.serviceName, subdomain },
    { parent: owner },
  );
}
