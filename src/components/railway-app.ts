import * as pulumi from "@pulumi/pulumi";
import type { AppRole, RailwayRole } from "../config";
import { RailwayService, type ServiceSpec } from "./railway-service";

export interface RailwayAppArgs {
  readonly projectId: pulumi.Input<string>;
  readonly environmentId: pulumi.Input<string>;
  /** The app's services, in the order their configs are applied (src/services: `appServiceSpecs`). */
  readonly services: readonly ServiceSpec[];
  /** Ids of services another stack declared, by role; omitted, this component declares them (production). */
  readonly serviceIds?: pulumi.Input<Record<AppRole, string>>;
  /**
   * Railway service names by role, which `${{name.VAR}}` references use: production's stack file
   * pins them, staging reads them from production's outputs.
   */
  readonly serviceNames: pulumi.Input<Record<AppRole, string>>;
  /** `railwaySecrets.<role>` from the stack file, already secret. */
  readonly secretVariables: Partial<Record<RailwayRole, Record<string, pulumi.Output<string>>>>;
}

/**
 * The app in one Railway environment: one RailwayService (`${name}-<role>`) per spec. Their
 * configs are applied one after another (Railway keeps one staged patch per environment), in the
 * specs' order, which their references need: what a service references exists and is configured
 * before it deploys.
 */
export class RailwayApp extends pulumi.ComponentResource {
  public readonly serviceIds: pulumi.Output<Record<AppRole, string>>;
  public readonly serviceNames: pulumi.Output<Record<AppRole, string>>;
  public readonly backendDomain: pulumi.Output<string>;
  public readonly frontendDomain: pulumi.Output<string>;

  constructor(name: string, args: RailwayAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:RailwayApp", name, {}, opts);
    const given = args.serviceIds === undefined ? undefined : pulumi.output(args.serviceIds);
    this.serviceNames = pulumi.output(args.serviceNames);
    const secrets: Partial<Record<string, Record<string, pulumi.Output<string>>>> =
      args.secretVariables;

    const services = new Map<string, RailwayService>();
    let previous: RailwayService | undefined;
    for (const spec of args.services) {
      const service = new RailwayService(
        `${name}-${spec.role}`,
        {
          spec,
          placement: {
            projectId: args.projectId,
            environmentId: args.environmentId,
            serviceId: given?.apply((ids) => requireRole(ids, spec.role, "serviceIds")),
            after: previous ? [previous.config] : [],
          },
          serviceName: this.serviceNames.apply((byRole) =>
            requireRole(byRole, spec.role, "serviceNames"),
          ),
          extraSecretVariables: secrets[spec.role] ?? {},
        },
        { parent: this },
      );
      services.set(spec.role, service);
      previous = service;
    }

    this.serviceIds = pulumi.all(
      Object.fromEntries([...services].map(([role, service]) => [role, service.serviceId])),
    ) as pulumi.Output<Record<AppRole, string>>;
    this.backendDomain = publicDomainOf(services, "backend");
    this.frontendDomain = publicDomainOf(services, "frontend");
    this.registerOutputs({
      serviceIds: this.serviceIds,
      serviceNames: this.serviceNames,
      backendDomain: this.backendDomain,
      frontendDomain: this.frontendDomain,
    });
  }
}

function requireRole(byRole: Readonly<Record<string, string>>, role: string, what: string): string {
  const value = byRole[role];
  if (value === undefined)
    throw new Error(
      `RailwayApp: ${what} has no entry for service role "${role}"; add it (production's outputs list every role of APP_ROLES).`,
    );
  return value;
}

function publicDomainOf(
  services: ReadonlyMap<string, RailwayService>,
  role: AppRole,
): pulumi.Output<string> {
  const domain = services.get(role)?.publicDomain;
  if (!domain)
    throw new Error(
      `RailwayApp: the ${role} spec declares no public domain, which the stack exports.`,
    );
  return domain;
}
