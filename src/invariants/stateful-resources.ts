import { notApplicable, RESOURCE_TYPES, verdict, type Rule } from "./rule-kit";

/** Resource types whose deletion loses data; `pulumi up` must refuse to delete them. */
export const STATEFUL_TYPES = [
  RESOURCE_TYPES.neonProject,
  RESOURCE_TYPES.r2Bucket,
  // Redis keeps circuit-breaker state on it; deleting it loses that data.
  RESOURCE_TYPES.railwayVolume,
] as const;

export const statefulResourcesProtected: Rule = {
  id: "stateful-resources-protected",
  description: "Every Neon project, R2 bucket and Railway volume is protected against deletion.",
  evaluate({ stack, resources }) {
    const { id } = statefulResourcesProtected;
    const stateful = resources.filter((resource) =>
      (STATEFUL_TYPES as readonly string[]).includes(resource.type),
    );
    if (stateful.length === 0)
      return notApplicable(id, `${stack} declares no Neon project, R2 bucket or Railway volume`);
    return verdict(
      id,
      stateful
        .filter((resource) => !resource.protect)
        .map(
          (resource) =>
            `${resource.type} "${resource.name}" holds data but is not protected; add protect: true.`,
        ),
      `Every Neon project, R2 bucket and Railway volume is protected (${stateful.map((resource) => resource.name).join(", ")}).`,
    );
  },
};
