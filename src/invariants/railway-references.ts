/**
 * Railway variable references (docs.railway.com variables/reference): `${{Service.VAR}}` reads
 * another service's variable, `${{shared.VAR}}` a shared one, `${{VAR}}` one of the same service.
 * A reference naming a service that does not exist renders as "" at deploy time and does not
 * recover (wasp-lang/wasp PR #4291), so the program builds them with one function and the
 * rules parse them back.
 */
export function reference(service: string, variable: string): string {
  return `\${{${service}.${variable}}}`;
}

export function selfReference(variable: string): string {
  return `\${{${variable}}}`;
}

export interface ParsedReference {
  /** Undefined for a same-service reference. */
  readonly service: string | undefined;
  readonly variable: string;
  readonly text: string;
}

export function parseReferences(value: string): ParsedReference[] {
  return [...value.matchAll(/\$\{\{\s*([^}]*?)\s*\}\}/g)].map((match) => {
    const body = match[1] ?? "";
    const dot = body.lastIndexOf(".");
    return dot === -1
      ? { service: undefined, variable: body, text: match[0] }
      : { service: body.slice(0, dot), variable: body.slice(dot + 1), text: match[0] };
  });
}

/**
 * Variables Railway injects into every service (docs.railway.com variables/reference, "Railway-provided
 * variables"). RAILWAY_PUBLIC_DOMAIN exists only once the service has a public domain, and the TCP
 * proxy ones only with a TCP proxy, so the rules grant those per service.
 */
export const RAILWAY_PROVIDED_VARIABLES: readonly string[] = [
  "RAILWAY_PRIVATE_DOMAIN",
  "RAILWAY_PROJECT_ID",
  "RAILWAY_PROJECT_NAME",
  "RAILWAY_ENVIRONMENT_ID",
  "RAILWAY_ENVIRONMENT_NAME",
  "RAILWAY_SERVICE_ID",
  "RAILWAY_SERVICE_NAME",
  "RAILWAY_DEPLOYMENT_ID",
  "RAILWAY_REPLICA_ID",
  "RAILWAY_REPLICA_REGION",
  "RAILWAY_VOLUME_NAME",
  "RAILWAY_VOLUME_MOUNT_PATH",
  "RAILWAY_GIT_COMMIT_SHA",
  "RAILWAY_GIT_BRANCH",
  "RAILWAY_GIT_REPO_NAME",
  "RAILWAY_GIT_REPO_OWNER",
];
export const PUBLIC_DOMAIN_VARIABLE = "RAILWAY_PUBLIC_DOMAIN";
