import type { ServiceSpec } from "../components/railway-service";
import { RESTART_ON_FAILURE, type AppServiceContext } from "./context";

/** gunicorn binds CRAWL4AI_PORT (default 11235) and ignores PORT (unclecode/crawl4ai deploy/docker). */
const CRAWL4AI_PORT = "11235";
/** `--shm-size=1g` of Crawl4AI's README; Railway's default shared memory is 64 MB. */
const CRAWL4AI_SHM_BYTES = String(1024 ** 3);

/**
 * The scraper, reachable only on Railway's private network: no public domain. Since v0.9 the
 * server binds 127.0.0.1 unless CRAWL4AI_API_TOKEN is set (entrypoint.sh), so the token is
 * generated here and the backend reads it by reference.
 */
export function crawl4aiSpec(app: AppServiceContext): ServiceSpec {
  const { crawl4ai } = app.settings;
  return {
    role: "crawl4ai",
    componentType: "client-fulfillment:railway:Crawl4AiService",
    traits: [],
    source: { image: crawl4ai.image },
    // GET /health answers without the token (auth_gate.py).
    deploy: {
      healthcheckPath: "/health",
      healthcheckTimeout: crawl4ai.healthcheckTimeout,
      sleepApplication: crawl4ai.sleepApplication,
      ...RESTART_ON_FAILURE,
    },
    limits: { memoryGB: crawl4ai.memoryGB },
    generatedSecrets: {
      CRAWL4AI_API_TOKEN: {
        resource: "api-token",
        length: 40,
        rotation: crawl4ai.tokenRotation ?? "",
      },
    },
    privateNetworkOnly: true,
    wired: {
      plain: { PORT: CRAWL4AI_PORT, RAILWAY_SHM_SIZE_BYTES: CRAWL4AI_SHM_BYTES },
      secret: {},
    },
    extraVariables: crawl4ai.variables,
  };
}
