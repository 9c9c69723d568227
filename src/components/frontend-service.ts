import * as pulumi from "@pulumi/pulumi";
import { PUBLIC_DOMAIN_VARIABLE } from "../invariants/railway-references";
import type { ServiceConfig } from "../railway/service-config";
import { repoServiceSettings, type RepoServiceArgs } from "./backend-service";
import { declarePublicDomain, declareServiceConfig, referenceTo, serviceIdFor } from "./railway-placement";

export interface FrontendServiceArgs extends RepoServiceArgs {
  /** Fixed `<subdomain>.up.railway.app` (staging keeps fe-client-fulfillment-v2-staging); omitted, Railway picks one. */
  readonly subdomain?: string;
  /** The backend's service name, whose public domain the frontend calls. */
  readonly backendServiceName: pulumi.Input<string>;
  /** Name under which the frontend receives the backend's URL, e.g. NEXT_PUBLIC_API_URL. */
  readonly backendUrlVariable: string;
}

/** The Next.js frontend: built from its repository branch, public, pointed at the backend's public URL. */
export class FrontendService extends pulumi.ComponentResource {
  public readonly serviceId: pulumi.Output<string>;
  public readonly publicDomain: pulumi.Output<string>;
  public readonly config: ServiceConfig;

  constructor(name: string, args: FrontendServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("client-fulfillment:railway:FrontendService", name, {}, opts);
    this.serviceId = serviceIdFor(this, name, args.placement, args.serviceName, "frontend");
    const domain = declarePublicDomain(this, name, args, this.serviceId, args.subdomain);
    this.publicDomain = domain.domain;

    this.config = declareServiceConfig(
      this,
      name,
      args,
      this.serviceId,
      {
        role: "frontend",
        ...repoServiceSettings(args),
        wired: {
          plain: { [args.backendUrlVariable]: pulumi.interpolate`https://${referenceTo(args.backendServiceName, PUBLIC_DOMAIN_VARIABLE)}` },
          secret: {},
        },
      },
      [domain],
    );
    this.registerOutputs({ serviceId: this.serviceId, publicDomain: this.publicDomain });
  }
}
