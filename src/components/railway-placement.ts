import * as pulumi from "@pulumi/pulumi";
import { Service } from "../railway/service";

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
export function serviceIdFor(owner: pulumi.ComponentResource, name: string, placement: RailwayPlacement, serviceName: string): pulumi.Output<string> {
  if (placement.serviceId !== undefined) return pulumi.output(placement.serviceId);
  return new Service(`${name}-service`, { projectId: placement.projectId, name: serviceName }, { parent: owner }).serviceId;
}

/** Resource options of a component's ServiceConfig. */
export function configOptions(owner: pulumi.ComponentResource, placement: RailwayPlacement): pulumi.CustomResourceOptions {
  return { parent: owner, dependsOn: [...(placement.after ?? [])] };
}

