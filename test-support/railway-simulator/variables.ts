import { RailwayApiError, variableScopeKey, type SimulatorState } from "./state.js";

const REFERENCE_PATTERN = /\$\{\{\s*([^}]+?)\s*\}\}/g;
const MAX_REFERENCE_DEPTH = 8;

/** Narrows an `EnvironmentVariables` scalar value (any JSON) to name → string, as Railway requires. */
export function toVariableMap(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RailwayApiError("Variables must be an object of name to string value");
  }
  const variables: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (typeof raw === "string") variables[name] = raw;
    else if (typeof raw === "number" || typeof raw === "boolean") variables[name] = String(raw);
    else throw new RailwayApiError(`Variable "${name}" must be a string`);
  }
  return variables;
}

/** Service ids whose deployment a write to this variable scope would start (a service without a source has nothing to deploy). */
export function servicesAffectedBy(
  state: SimulatorState,
  environmentId: string,
  serviceId: string | null,
): string[] {
  const instances = state
    .liveServiceInstances(environmentId)
    .filter((instance) => instance.source !== null);
  if (serviceId === null) return instances.map((instance) => instance.serviceId);
  return instances.some((instance) => instance.serviceId === serviceId) ? [serviceId] : [];
}

export function deployAffectedServices(
  state: SimulatorState,
  environmentId: string,
  serviceId: string | null,
): void {
  for (const affected of servicesAffectedBy(state, environmentId, serviceId)) {
    state.startDeploy(environmentId, affected);
  }
}

export function writeVariables(
  state: SimulatorState,
  environmentId: string,
  serviceId: string | null,
  variables: Record<string, string>,
  options: { replace: boolean },
): void {
  const key = variableScopeKey(environmentId, serviceId);
  const existing = options.replace ? {} : state.variables.get(key);
  state.variables.set(key, { ...existing, ...variables });
}

/**
 * Resolves Railway reference syntax: `${{shared.NAME}}`, `${{OtherService.NAME}}` and `${{NAME}}`
 * (same scope). Unknown references render as empty strings, as Railway does: a reference to a
 * service that does not exist (yet) resolves to "" (wasp PR #4291, tested live).
 */
export function renderVariables(
  state: SimulatorState,
  projectId: string,
  environmentId: string,
  serviceId: string | null,
): Record<string, string> {
  const raw = state.getVariables(environmentId, serviceId);

  const lookup = (scopeServiceId: string | null, name: string, depth: number): string => {
    const value = state.getVariables(environmentId, scopeServiceId)[name];
    return value === undefined ? "" : render(scopeServiceId, value, depth + 1);
  };

  const render = (scopeServiceId: string | null, value: string, depth: number): string => {
    if (depth > MAX_REFERENCE_DEPTH) return value;
    return value.replace(REFERENCE_PATTERN, (_match, reference: string) => {
      const dot = reference.indexOf(".");
      if (dot === -1) return lookup(scopeServiceId, reference, depth);
      const scopeName = reference.slice(0, dot);
      const name = reference.slice(dot + 1);
      if (scopeName === "shared") return lookup(null, name, depth);
      const referenced = state.findService(projectId, scopeName);
      return referenced ? lookup(referenced.id, name, depth) : "";
    });
  };

  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => [name, render(serviceId, value, 0)]),
  );
}
