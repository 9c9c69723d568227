import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PROJECT_NAME } from "../config";
import { reference } from "../invariants/railway-references";
import type { ServiceTrait } from "../invariants/service-traits";
import { Service } from "../railway/service";
import { ServiceConfig, type ServiceConfigArgs } from "../railway/service-config";
import { ServiceDomain } from "../railway/service-domain";
import { Volume } from "../railway/volume";

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

/** Variables a spec wires itself, before the stack file's extras. */
export interface WiredVariables {
  readonly plain: Readonly<Record<string, pulumi.Input<string>>>;
  readonly secret: Readonly<Record<string, pulumi.Input<string>>>;
}

/** A secret the component generates (`${name}-<resource>`), kept live unless its rotation label changes. */
export interface GeneratedSecret {
  readonly resource: string;
  readonly length: number;
  /** The stack file's rotation label ("" when unset): a new label writes a new value. */
  readonly rotation: string;
}

/** What one Railway service is: its settings, its wiring, and the resources it needs besides its config. */
export interface ServiceSpec {
  /** What the service is in this program (`railway.<role>` in the stack file). */
  readonly role: string;
  /** The component's Pulumi type: part of every child's URN, so it stays fixed for a role. */
  readonly componentType: string;
  /** What the rules check it as (src/invariants/service-traits.ts). */
  readonly traits: readonly ServiceTrait[];
  readonly source: ServiceConfigArgs["source"];
  readonly build?: ServiceConfigArgs["build"];
  readonly deploy?: ServiceConfigArgs["deploy"];
  readonly limits?: ServiceConfigArgs["limits"];
  /** A Railway-provided domain; it exists before the first deploy, so RAILWAY_PUBLIC_DOMAIN is set in it. */
  readonly publicDomain?: { readonly subdomain?: string };
  /** A protected volume: its data outlives deploys, and deleting it loses them. */
  readonly volume?: { readonly mountPath: string };
  /** Generated secret variables by name. */
  readonly generatedSecrets?: Readonly<Record<string, GeneratedSecret>>;
  readonly wired: WiredVariables;
  /** The stack file's `railway.<role>.variables`. */
  readonly extraVariables?: Readonly<Record<string, string>>;
  /** Rotation labels of secrets it references: a change redeploys it after the secret's owner. */
  readonly redeployOn?: Readonly<Record<string, string>>;
  /** Private only: no domain, and a public TCP proxy is removed. */
  readonly privateNetworkOnly?: boolean;
}

export interface RailwayServiceArgs {
  readonly spec: ServiceSpec;
  readonly placement: RailwayPlacement;
  /** Railway service name; other services reference `${{<name>.VAR}}`. Staging's come from production's outputs. */
  readonly serviceName: pulumi.Input<string>;
  /** The stack file's `railwaySecrets.<role>`, already secret. */
  readonly extraSecretVariables?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** `${{<service>.<variable>}}` for a service name that may be another stack's output. */
export function referenceTo(
  service: pulumi.Input<string>,
  variable: string,
): pulumi.Output<string> {
  return pulumi.output(service).apply((name) => reference(name, variable));
}

interface VariableSources {
  readonly wired: WiredVariables;
  readonly extraPlain: Readonly<Record<string, string>>;
  readonly extraSecret: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * One map of plain and one of secret variables, each name in exactly one of them. Extras from the
 * stack file win over wired values: the invariants then judge what really reaches Railway.
 */
function mergeVariables(sources: VariableSources): {
  variables: Record<string, pulumi.Input<string>>;
  secretVariables: Record<string, pulumi.Input<string>>;
} {
  const variables: Record<string, pulumi.Input<string>> = {};
  const secretVariables: Record<string, pulumi.Input<string>> = {};
  const put = (
    target: Record<string, pulumi.Input<string>>,
    other: Record<string, pulumi.Input<string>>,
    entries: Readonly<Record<string, pulumi.Input<string>>>,
  ) => {
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

/**
 * One Railway service in one environment, as its spec describes it: the service (declared here,
 * adopted by name, unless another stack declared it), its generated secrets, volume and domain,
 * and its config (`${name}-config`), applied after `placement.after`.
 */
export class RailwayService extends pulumi.ComponentResource {
  public readonly serviceId: pulumi.Output<string>;
  /** `<name>.up.railway.app`, for a spec with a public domain. */
  public readonly publicDomain?: pulumi.Output<string>;
  public readonly volumeId?: pulumi.Output<string>;
  public readonly config: ServiceConfig;

  constructor(name: string, args: RailwayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const { spec, placement } = args;
    super(spec.componentType, name, {}, opts);
    const ownsService = placement.serviceId === undefined;
    this.serviceId =
      placement.serviceId !== undefined
        ? pulumi.output(placement.serviceId)
        : new Service(
            `${name}-service`,
            {
              projectId: placement.projectId,
              name: args.serviceName,
              nameConfigKey: `${PROJECT_NAME}:railway.${spec.role}.name`,
            },
            { parent: this },
          ).serviceId;

    const generated: Record<string, pulumi.Output<string>> = {};
    const preservedVariables: Record<string, string> = {};
    for (const [variable, secret] of Object.entries(spec.generatedSecrets ?? {})) {
      // Without a new rotation label, a live value is kept (preservedVariables).
      generated[variable] = new random.RandomPassword(
        `${name}-${secret.resource}`,
        { length: secret.length, special: false, keepers: { rotation: secret.rotation } },
        { parent: this },
      ).result;
      preservedVariables[variable] = secret.rotation;
    }

    const placed = {
      projectId: placement.projectId,
      environmentId: placement.environmentId,
      serviceId: this.serviceId,
    };
    const volume =
      spec.volume &&
      new Volume(
        `${name}-volume`,
        { ...placed, mountPath: spec.volume.mountPath, ownsService },
        { parent: this, protect: true },
      );
    this.volumeId = volume?.volumeId;
    const domain =
      spec.publicDomain &&
      new ServiceDomain(
        `${name}-domain`,
        { ...placed, serviceName: args.serviceName, subdomain: spec.publicDomain.subdomain },
        { parent: this },
      );
    this.publicDomain = domain?.domain;

    const { variables, secretVariables } = mergeVariables({
      wired: { plain: spec.wired.plain, secret: { ...spec.wired.secret, ...generated } },
      extraPlain: spec.extraVariables ?? {},
      extraSecret: args.extraSecretVariables ?? {},
    });
    const mountPath = spec.volume?.mountPath;
    this.config = new ServiceConfig(
      `${name}-config`,
      {
        ...placed,
        serviceName: args.serviceName,
        role: spec.role,
        traits: [...spec.traits],
        source: spec.source,
        build: spec.build,
        deploy: spec.deploy,
        limits: spec.limits,
        volumeMounts:
          volume && mountPath
            ? volume.volumeId.apply((volumeId) => ({ [volumeId]: mountPath }))
            : undefined,
        preservedVariables: spec.generatedSecrets ? preservedVariables : undefined,
        redeployOn: spec.redeployOn && { ...spec.redeployOn },
        privateNetworkOnly: spec.privateNetworkOnly,
        variables,
        secretVariables,
        ownsService,
      },
      { parent: this, dependsOn: [...(placement.after ?? []), ...(domain ? [domain] : [])] },
    );
    this.registerOutputs({
      serviceId: this.serviceId,
      publicDomain: this.publicDomain,
      volumeId: this.volumeId,
    });
  }
}
