import * as pulumi from "@pulumi/pulumi";
import { PUBLIC_DOMAIN_VARIABLE, reference } from "../invariants/railway-references";
import { ServiceConfig } from "../railway/service-config";
import { ServiceDomain } from "../railway/service-domain";
import { configOptions, mergeVariables, serviceIdFor, type RailwayPlacement } from "./railway-placement";

export interface FrontendServiceArgs {
  readonly placement: RailwayPlacement;
  readonly serviceName: string;
  readonly repo: string;
  readonly rootDirectory?: string;
  readonly branch: string;
  readonly healthcheckPath?: string;
  /** Fixed `<subdomain>.up.railway.app` (staging keeps fe-client-fulfillment-v2-staging); omitted, Railway picks one. */
  readonly subdomain?: string;
  /** The backend's service name, whose public domain the frontend calls. */
  readonly backendServiceName: string;
  /** Name under which the frontend receives the backend's URL, e.g. NEXT_PUBLIC_API_URL. */
  readonly backendUrlVariable: string;
  readonly extraVariables?: Readonly<Record<string, string>>;
  readonly extraSecretVariables?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** The Next.js frontend: built from its repository branch, public, pointed at the backend's public URL. */
export class FrontendService extends pulumi.ComponentResource {
  public readonly serviceId: pulumi.Output<string>;
  public readonly publicDomain: pulumi.Output<string>;
  public readonly config: ServiceConfig;

  constructor(name: string, args: FrontendServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:FrontendService", name, {}, opts);
    const { placement } = args;
    this.serviceId = serviceIdFor(this, name, placement, args.serviceName);
    const domain = new ServiceDomain(
      `${name}-domain`,
      {
        projectId: placement.projectId,
        environmentId: placement.environmentId,
        serviceId: this.serviceId,
        serviceName: args.serviceName,
        subdomain: args.subdomain,
      },
      { parent: this },
    );
    this.publicDomain = domain.domain;

    const { variables, secretVariables } = mergeVariables({
      wired: {
        plain: { [args.backendUrlVariable]: `https://${reference(args.backendServiceName, PUBLIC_DOMAIN_VARIABLE)}` },
        secret: {},
      },
      extraPlain: args.extraVariables ?? {},
      extraSecret: args.extraSecretVariables ?? {},
    });

    this.config = new ServiceConfig(
      `${name}-config`,
      {
        projectId: placement.projectId,
        environmentId: placement.environmentId,
        serviceId: this.serviceId,
        serviceName: args.serviceName,
        role: "frontend",
        source: { repo: args.repo, branch: args.branch, rootDirectory: args.rootDirectory },
        deploy: { healthcheckPath: args.healthcheckPath, restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 10 },
        variables,
        secretVariables,
      },
      pulumi.mergeOptions(configOptions(this, placement), { dependsOn: [domain] }),
    );
    this.registerOutputs({ serviceId: this.serviceId, publicDomain: this.publicDomain });
  }
}
