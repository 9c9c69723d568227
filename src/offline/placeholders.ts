import { existsSync } from "node:fs";
import * as path from "node:path";
import { APP_ROLES, readStackFileConfig, type AppRole, type ProductionConfig } from "../config";
import type { ProductionOutputsForStaging } from "../stack";

/**
 * Values the clouds compute at apply time, stood in by recognisable placeholders
 * so the offline plan can build connection strings and check their shape. None
 * of them is a real host, id or credential.
 */
export const COMPUTED = "computed";

const NEON_HOST_SUFFIX = "us-east-1.aws.neon.tech";

/**
 * Outputs of the production stack, as the staging plan sees them through its StackReference:
 * Railway ids, and the service names production's stack file pins, so staging's references
 * read as they will (staging has its own Neon project and reads nothing of production's database).
 * Without production's stack file in `projectDir` the names are placeholders too.
 */
export function productionOutputsForStaging(projectDir: string): ProductionOutputsForStaging {
  const names = existsSync(path.join(projectDir, "Pulumi.production.yaml"))
    ? (readStackFileConfig(projectDir, "production").config as ProductionConfig).railway
    : undefined;
  const byRole = (value: (role: AppRole) => string) =>
    Object.fromEntries(APP_ROLES.map((role) => [role, value(role)])) as Record<AppRole, string>;
  return {
    railwayProjectId: `${COMPUTED}-app-project-id`,
    railwayServiceIds: byRole((role) => `${COMPUTED}-app-${role}-service-id`),
    railwayServiceNames: byRole((role) => names?.[role].name ?? `${COMPUTED}-${role}-service-name`),
  };
}

export interface ComputedState {
  readonly id: string;
  readonly outputs: Record<string, unknown>;
}

export function computedState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): ComputedState {
  switch (type) {
    case "neon:index/project:Project": {
      // An adopted project sends no `branch`: its database and owner role are read at apply time.
      const branch = (inputs.branch ?? {}) as { databaseName?: string; roleName?: string };
      // Named after the project, so one stack's placeholders never pass for another's.
      const label = `${COMPUTED}-${String(inputs.name ?? name)}`;
      return {
        id: `${label}-project-id`,
        outputs: {
          databaseHost: `ep-${label}.${NEON_HOST_SUFFIX}`,
          databaseHostPooler: `ep-${label}-pooler.${NEON_HOST_SUFFIX}`,
          databaseName: branch.databaseName ?? `${COMPUTED}-database`,
          databaseUser: branch.roleName ?? `${COMPUTED}-owner-role`,
          databasePassword: `${COMPUTED}-password-of-${String(inputs.name ?? name)}`,
          defaultBranchId: `br-${label}-default-branch`,
          defaultEndpointId: `ep-${label}`,
        },
      };
    }
    case "cloudflare:index/r2Bucket:R2Bucket":
      return { id: String(inputs.name), outputs: {} };
    case "cloudflare:index/accountToken:AccountToken":
      return { id: `${COMPUTED}-${name}-id`, outputs: { value: `${COMPUTED}-${name}-value` } };
    case "random:index/randomPassword:RandomPassword":
      return { id: `${COMPUTED}-${name}-id`, outputs: { result: `${COMPUTED}-${name}-value` } };
    case "pulumi-nodejs:dynamic/railway:Project":
      return {
        id: `${COMPUTED}-${name}-id`,
        outputs: {
          projectId: `${COMPUTED}-${name}-id`,
          defaultEnvironmentId: `${COMPUTED}-${name}-environment-id`,
        },
      };
    case "pulumi-nodejs:dynamic/railway:Environment":
      return { id: `${COMPUTED}-${name}-id`, outputs: { environmentId: `${COMPUTED}-${name}-id` } };
    case "pulumi-nodejs:dynamic/railway:Service":
      return { id: `${COMPUTED}-${name}-id`, outputs: { serviceId: `${COMPUTED}-${name}-id` } };
    case "pulumi-nodejs:dynamic/railway:Volume":
      return { id: `${COMPUTED}-${name}-id`, outputs: { volumeId: `${COMPUTED}-${name}-id` } };
    case "pulumi-nodejs:dynamic/railway:ServiceDomain": {
      const label = typeof inputs.subdomain === "string" ? inputs.subdomain : `${COMPUTED}-${name}`;
      return { id: `${COMPUTED}-${name}-id`, outputs: { domain: `${label}.up.railway.app` } };
    }
    default:
      return { id: `${COMPUTED}-${name}-id`, outputs: {} };
  }
}

/** Cloudflare's published id of the bucket-scoped write group (developers.cloudflare.com/r2/api/tokens). */
const BUCKET_ITEM_WRITE_GROUP_ID = "2efd5506f9c8494dacb1fa10a3e7d5b6";

export function invokeResult(
  token: string,
  inputs: Record<string, unknown>,
): Record<string, unknown> {
  switch (token) {
    case "cloudflare:index/getAccountApiTokenPermissionGroupsList:getAccountApiTokenPermissionGroupsList":
      return {
        ...inputs,
        results: [
          {
            id: "6a018a9f2fc74eb6b293b0c548f38b39",
            name: "Workers R2 Storage Bucket Item Read",
            scopes: ["com.cloudflare.edge.r2.bucket"],
            category: "",
            isSelectable: true,
          },
          {
            id: BUCKET_ITEM_WRITE_GROUP_ID,
            name: "Workers R2 Storage Bucket Item Write",
            scopes: ["com.cloudflare.edge.r2.bucket"],
            category: "",
            isSelectable: true,
          },
        ],
      };
    default: {
      // The SDK reports an invoke failure by its `details` only.
      const error = new Error(
        `No offline stand-in for invoke ${token}; add one to src/offline/placeholders.ts`,
      );
      Object.assign(error, { details: error.message });
      throw error;
    }
  }
}
