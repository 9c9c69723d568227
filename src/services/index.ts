import { APP_ROLES, type AppRole } from "../config";
import type { ServiceSpec } from "../components/railway-service";
import { backendSpec } from "./backend";
import type { AppServiceContext } from "./context";
import { crawl4aiSpec } from "./crawl4ai";
import { frontendSpec } from "./frontend";
import { redisSpec } from "./redis";

/** The spec of each app role; APP_ROLES orders them. */
const APP_SERVICE_SPECS: { readonly [R in AppRole]: (app: AppServiceContext) => ServiceSpec } = {
  redis: redisSpec,
  crawl4ai: crawl4aiSpec,
  backend: backendSpec,
  frontend: frontendSpec,
};

/** The app's services in the order their configs are applied (APP_ROLES). */
export function appServiceSpecs(app: AppServiceContext): ServiceSpec[] {
  return APP_ROLES.map((role) => APP_SERVICE_SPECS[role](app));
}
