import * as pulumi from "@pulumi/pulumi";
import { referenceTo, type ServiceSpec } from "../components/railway-service";
import { PUBLIC_DOMAIN_VARIABLE } from "../invariants/railway-references";
import type { AppServiceContext } from "./context";
import { repoServiceSettings } from "./repo-service";

/**
 * The Next.js frontend: built from its repository branch, public (at `<subdomain>.up.railway.app`
 * when the stack file fixes one), pointed at the backend's public URL.
 */
export function frontendSpec(app: AppServiceContext): ServiceSpec {
  const { frontend } = app.settings;
  return {
    role: "frontend",
    componentType: "client-fulfillment:railway:FrontendService",
    traits: ["public-web"],
    ...repoServiceSettings(frontend),
    publicDomain: { subdomain: frontend.subdomain },
    wired: {
      plain: {
        [frontend.backendUrlVariable]: pulumi.interpolate`https://${referenceTo(app.nameOf("backend"), PUBLIC_DOMAIN_VARIABLE)}`,
      },
      secret: {},
    },
  };
}
