import { parseReferences } from "../invariants/railway-references";
import { RAILWAY_TYPES } from "../invariants/railway-rules";
import type { PlannedOutput, PlannedResource } from "./mock-runtime";
import { SECRET_PLACEHOLDER } from "./mock-runtime";
import { computedState } from "./placeholders";

/** One variable a Railway service receives, and where its value comes from. */
export interface WiredVariable {
  readonly name: string;
  /** Printable: secrets are "[secret]". */
  readonly value: string;
  readonly secret: boolean;
  readonly source: string;
}

export interface ServiceWiring {
  readonly service: string;
  readonly resource: string;
  readonly variables: readonly WiredVariable[];
}

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

/**
 * Where each Railway variable comes from: a Railway reference, a stack output (the Neon and R2
 * components' values are exported too), a generated password, or a literal of the program or stack
 * file. Values are matched on the revealed inputs; only the redacted form is returned.
 */
export function railwayWiring(
  resources: readonly PlannedResource[],
  outputs: Readonly<Record<string, PlannedOutput>>,
): ServiceWiring[] {
  const origins = new Map<string, string>();
  for (const [key, output] of Object.entries(outputs)) {
    if (typeof output.value === "string") origins.set(output.value, `stack output ${key}`);
  }
  for (const resource of resources.filter((r) => r.type === RANDOM_PASSWORD)) {
    const generated = computedState(resource.type, resource.name, resource.inputs).outputs.result;
    if (typeof generated === "string")
      origins.set(generated, `generated password (${resource.name})`);
  }

  return resources
    .filter((resource) => resource.type === RAILWAY_TYPES.serviceConfig)
    .map((resource) => {
      const describe = (values: unknown, secret: boolean): WiredVariable[] =>
        Object.entries((values ?? {}) as Record<string, unknown>).map(([name, raw]) => {
          const value = String(raw);
          const references = parseReferences(value);
          const source =
            origins.get(value) ??
            (references.length > 0
              ? `reference to ${[...new Set(references.map((ref) => ref.service ?? "itself"))].join(", ")}`
              : secret
                ? "stack file (railwaySecrets)"
                : "literal");
          return { name, value: secret ? SECRET_PLACEHOLDER : value, secret, source };
        });
      const variables = [
        ...describe(resource.inputs.variables, false),
        ...describe(resource.inputs.secretVariables, true),
      ];
      return {
        service: String(resource.inputs.serviceName ?? resource.name),
        resource: resource.name,
        variables: variables.sort((a, b) => a.name.localeCompare(b.name)),
      };
    });
}

export function renderWiring(wiring: readonly ServiceWiring[]): string[] {
  if (wiring.length === 0) return [];
  const lines = ["", "Wiring (Railway variables per service; secrets shown as [secret]):"];
  for (const service of wiring) {
    lines.push(`  ${service.service}  (${service.resource})`);
    for (const variable of service.variables)
      lines.push(`      ${variable.name} = ${variable.value}  ← ${variable.source}`);
  }
  return lines;
}
