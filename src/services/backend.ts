import * as pulumi from "@pulumi/pulumi";
import { referenceTo, type ServiceSpec, type WiredVariables } from "../components/railway-service";
import type { AppServiceContext } from "./context";
import { repoServiceSettings } from "./repo-service";

/** What every service running the app's code against Neon gets: ENVIRONMENT (SSL stays on) and DATABASE_URL. */
export function appDatabaseWiring(app: AppServiceContext): WiredVariables {
  return { plain: { ENVIRONMENT: app.environment }, secret: { DATABASE_URL: app.databaseUrl } };
}

/**
 * The FastAPI backend: built from its repository branch, public through a Railway-provided
 * domain. PORT is left to Railway, which sets it and health-checks on it.
 */
export function backendSpec(app: AppServiceContext): ServiceSpec {
  const { backend, redis, crawl4ai } = app.settings;
  const repo = repoServiceSettings(backend);
  const database = appDatabaseWiring(app);
  const crawler = app.nameOf("crawl4ai");
  return {
    role: "backend",
    componentType: "client-fulfillment:railway:BackendService",
    traits: ["public-web", "app-database"],
    ...repo,
    deploy: { ...repo.deploy, preDeployCommand: backend.preDeployCommand },
    publicDomain: {},
    wired: {
      plain: {
        ...database.plain,
        REDIS_URL: referenceTo(app.nameOf("redis"), "REDIS_URL"),
        CRAWL4AI_URL: pulumi.interpolate`http://${referenceTo(crawler, "RAILWAY_PRIVATE_DOMAIN")}:${referenceTo(crawler, "PORT")}`,
        CRAWL4AI_API_TOKEN: referenceTo(crawler, "CRAWL4AI_API_TOKEN"),
      },
      secret: database.secret,
    },
    // The backend holds Redis's password (through REDIS_URL) and Crawl4AI's token from its last deploy.
    redeployOn: {
      "redis.REDIS_PASSWORD": redis.passwordRotation ?? "",
      "crawl4ai.CRAWL4AI_API_TOKEN": crawl4ai.tokenRotation ?? "",
    },
  };
}
