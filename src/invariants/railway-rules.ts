import { lifecycleRetentionViolations, type LifecycleRuleShape } from "./backup-lifecycle";
import { backupScheduleViolations } from "./backup-schedule";
import { appDatabaseUrlViolations } from "./database-url";
import { environmentViolations } from "./environment";
import {
  parseReferences,
  PUBLIC_DOMAIN_VARIABLE,
  RAILWAY_PROVIDED_VARIABLES,
} from "./railway-references";
import {
  inputRecord,
  notApplicable,
  RESOURCE_TYPES,
  verdict,
  type Rule,
  type StackSnapshot,
} from "./rule-kit";
import type { ServiceTrait } from "./service-traits";

export const RAILWAY_TYPES = {
  serviceConfig: RESOURCE_TYPES.railwayServiceConfig,
  serviceDomain: RESOURCE_TYPES.railwayServiceDomain,
} as const;
const { neonProject: NEON_PROJECT, r2Lifecycle: R2_LIFECYCLE } = RESOURCE_TYPES;

/** What a ServiceConfig's inputs say about one service in one environment, as the rules read it. */
interface WiredService {
  readonly resource: string;
  readonly role: string | undefined;
  readonly traits: readonly string[];
  readonly serviceName: string;
  readonly serviceId: unknown;
  readonly environmentId: unknown;
  readonly plain: Readonly<Record<string, unknown>>;
  readonly secret: Readonly<Record<string, unknown>>;
  readonly cronSchedule: unknown;
}

function wiredServices(snapshot: StackSnapshot): WiredService[] {
  return snapshot.resources
    .filter((resource) => resource.type === RAILWAY_TYPES.serviceConfig)
    .map((resource) => ({
      resource: resource.name,
      role: typeof resource.inputs.role === "string" ? resource.inputs.role : undefined,
      traits: Array.isArray(resource.inputs.traits)
        ? resource.inputs.traits.filter((trait): trait is string => typeof trait === "string")
        : [],
      serviceName: String(resource.inputs.serviceName ?? resource.name),
      serviceId: resource.inputs.serviceId,
      environmentId: resource.inputs.environmentId,
      plain: inputRecord(resource.inputs.variables),
      secret: inputRecord(resource.inputs.secretVariables),
      cronSchedule: inputRecord(resource.inputs.deploy).cronSchedule,
    }));
}

/** A variable's value wherever it is declared, and whether printing it would reveal a secret. */
function variable(
  service: WiredService,
  name: string,
): { value: unknown; secret: boolean } | undefined {
  if (name in service.plain) return { value: service.plain[name], secret: false };
  if (name in service.secret) return { value: service.secret[name], secret: true };
  return undefined;
}

const definedNames = (service: WiredService) => [
  ...Object.keys(service.plain),
  ...Object.keys(service.secret),
];

const byRole = (services: readonly WiredService[], role: string) =>
  services.filter((service) => service.role === role);
/** Services declared to be something (service-traits.ts), whatever their role. */
const withTrait = (services: readonly WiredService[], trait: ServiceTrait) =>
  services.filter((service) => service.traits.includes(trait));

/**
 * Oldest Node major whose official Alpine image ships `postgresql<major>-client`, as the
 * postgres-s3-backups template pairs them (its Dockerfile defaults PG 16 on Node 20.11.1, Alpine
 * 3.19; issue #36 and the October 2025 template pair PG 17 with Node 22). A major missing here
 * has no known-good pairing, so the rule asks for one rather than guessing.
 */
export const NODE_MAJOR_FOR_PG_CLIENT: Readonly<Record<number, number>> = {
  14: 20,
  15: 20,
  16: 20,
  17: 22,
};

export const serviceDatabaseUrlHasNoQuery: Rule = {
  id: "service-database-url-has-no-query",
  description:
    "Every service that gets the app database (the backend) has the asyncpg DATABASE_URL with no query string (asyncpg rejects sslmode).",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    const backends = withTrait(services, "app-database");
    if (backends.length === 0)
      return notApplicable(
        serviceDatabaseUrlHasNoQuery.id,
        "the stack declares no service that gets the app database",
      );
    const problems = backends.flatMap((backend) => {
      const url = variable(backend, "DATABASE_URL");
      if (typeof url?.value !== "string")
        return [
          `Service "${backend.serviceName}" declares no DATABASE_URL; wire the Neon app URL.`,
        ];
      const mustBeSecret = url.secret
        ? []
        : [
            `Service "${backend.serviceName}" has DATABASE_URL as a plain variable; it holds a password, set it through railwaySecrets.`,
          ];
      return [
        ...mustBeSecret,
        ...appDatabaseUrlViolations(url.value, snapshot.expected.appUrlScheme).map(
          (v) => `Service "${backend.serviceName}": ${v.message}`,
        ),
      ];
    });
    return verdict(
      serviceDatabaseUrlHasNoQuery.id,
      problems,
      `DATABASE_URL of ${backends.map((b) => `"${b.serviceName}"`).join(", ")} is secret, ${snapshot.expected.appUrlScheme}://, no query string.`,
    );
  },
};

export const serviceEnvironmentMatchesStack: Rule = {
  id: "service-environment-matches-stack",
  description:
    "ENVIRONMENT reaches every service that gets the app database and equals the stack; no service says development.",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    if (services.length === 0)
      return notApplicable(
        serviceEnvironmentMatchesStack.id,
        "the stack declares no Railway service",
      );
    const problems: string[] = [];
    for (const service of services) {
      const declared = variable(service, "ENVIRONMENT");
      if (!declared) {
        if (service.traits.includes("app-database"))
          problems.push(
            `Service "${service.serviceName}" has no ENVIRONMENT; the app then assumes development and turns database SSL off. Set it to "${snapshot.stack}".`,
          );
        continue;
      }
      const violations = environmentViolations(declared.value, snapshot.stack);
      if (violations.length > 0) {
        problems.push(
          declared.secret
            ? `Service "${service.serviceName}": its secret ENVIRONMENT is not "${snapshot.stack}"; set it to "${snapshot.stack}" (plain).`
            : `Service "${service.serviceName}": ${violations.map((v) => v.message).join(" ")}`,
        );
      }
    }
    return verdict(
      serviceEnvironmentMatchesStack.id,
      problems,
      `ENVIRONMENT is "${snapshot.stack}" wherever it is set, including every service that gets the app database.`,
    );
  },
};

export const webServicesLeavePortToRailway: Rule = {
  id: "web-services-leave-port-to-railway",
  description:
    "Public web services (the backend and frontend) do not set PORT: Railway sets it and health-checks on it.",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    const web = withTrait(services, "public-web");
    if (web.length === 0)
      return notApplicable(
        webServicesLeavePortToRailway.id,
        "the stack declares no public web service",
      );
    const problems = web
      .filter((service) => variable(service, "PORT") !== undefined)
      .map(
        (service) =>
          `Service "${service.serviceName}" sets PORT; remove it: Railway injects PORT and health-checks the app on it.`,
      );
    return verdict(
      webServicesLeavePortToRailway.id,
      problems,
      `${web.map((s) => `"${s.serviceName}"`).join(" and ")} leave PORT to Railway.`,
    );
  },
};

export const railwayReferencesResolve: Rule = {
  id: "railway-references-resolve",
  description:
    "Every ${{Service.VAR}} names a service of the same environment and a variable it has.",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    if (services.length === 0)
      return notApplicable(railwayReferencesResolve.id, "the stack declares no Railway service");
    const domains = snapshot.resources.filter(
      (resource) => resource.type === RAILWAY_TYPES.serviceDomain,
    );
    const provides = (target: WiredService, name: string) =>
      definedNames(target).includes(name) ||
      RAILWAY_PROVIDED_VARIABLES.includes(name) ||
      (name === PUBLIC_DOMAIN_VARIABLE &&
        domains.some(
          (domain) =>
            domain.inputs.serviceId === target.serviceId &&
            domain.inputs.environmentId === target.environmentId,
        ));
    const problems: string[] = [];
    let checked = 0;
    for (const service of services) {
      const neighbours = services.filter((other) => other.environmentId === service.environmentId);
      const declared = [
        ...Object.entries(service.plain).map(([variableName, value]) => ({
          variableName,
          value,
          secret: false,
        })),
        ...Object.entries(service.secret).map(([variableName, value]) => ({
          variableName,
          value,
          secret: true,
        })),
      ];
      for (const { variableName, value, secret } of declared) {
        if (typeof value !== "string") continue;
        for (const ref of parseReferences(value)) {
          checked++;
          const shown = secret
            ? `a reference in secret variable ${variableName}`
            : `${variableName}'s reference ${ref.text}`;
          const where = `Service "${service.serviceName}": ${shown}`;
          if (ref.service === "shared") {
            problems.push(
              `${where} reads a shared variable, and this program declares none; reference a service instead.`,
            );
            continue;
          }
          const target =
            ref.service === undefined
              ? service
              : neighbours.find((other) => other.serviceName === ref.service);
          if (!target) {
            const known = neighbours.map((other) => other.serviceName).join(", ");
            problems.push(
              `${where} names service "${ref.service}", which this environment does not declare (it has ${known}); Railway would render it as "".`,
            );
          } else if (!provides(target, ref.variable)) {
            problems.push(
              `${where} names ${ref.variable}, which "${target.serviceName}" neither declares nor gets from Railway; Railway would render it as "".`,
            );
          }
        }
      }
    }
    if (checked === 0)
      return notApplicable(railwayReferencesResolve.id, "no variable uses a ${{…}} reference");
    return verdict(
      railwayReferencesResolve.id,
      problems,
      `All ${checked} references name a declared service and a variable it has.`,
    );
  },
};

export const crawl4aiPrivateWithToken: Rule = {
  id: "crawl4ai-private-with-token",
  description:
    "Crawl4AI has no public domain and has its API token (without it, v0.9 binds 127.0.0.1 only).",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    const crawlers = byRole(services, "crawl4ai");
    if (crawlers.length === 0)
      return notApplicable(crawl4aiPrivateWithToken.id, "the stack declares no Crawl4AI service");
    const problems: string[] = [];
    for (const crawler of crawlers) {
      const exposed = snapshot.resources.some(
        (resource) =>
          resource.type === RAILWAY_TYPES.serviceDomain &&
          resource.inputs.serviceId === crawler.serviceId &&
          resource.inputs.environmentId === crawler.environmentId,
      );
      if (exposed)
        problems.push(
          `Service "${crawler.serviceName}" has a public domain; remove it: the backend reaches Crawl4AI on the private network.`,
        );
      const token = variable(crawler, "CRAWL4AI_API_TOKEN");
      if (!token || typeof token.value !== "string" || token.value === "") {
        problems.push(
          `Service "${crawler.serviceName}" has no CRAWL4AI_API_TOKEN; without it Crawl4AI binds 127.0.0.1 and is unreachable.`,
        );
      } else if (!token.secret) {
        problems.push(
          `Service "${crawler.serviceName}" has CRAWL4AI_API_TOKEN as a plain variable; set it through railwaySecrets.`,
        );
      }
    }
    return verdict(
      crawl4aiPrivateWithToken.id,
      problems,
      "Crawl4AI is private and has a secret API token.",
    );
  },
};

export const backupClientMatchesServer: Rule = {
  id: "backup-client-matches-server",
  description:
    "The backup job's pg_dump major is at least the Neon server's, on a Node image that ships it.",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    const jobs = byRole(services, "backupJob");
    if (jobs.length === 0)
      return notApplicable(backupClientMatchesServer.id, "the stack declares no backup job");
    const server =
      snapshot.resources.find((resource) => resource.type === NEON_PROJECT)?.inputs.pgVersion ??
      snapshot.expected.pgVersion;
    if (typeof server !== "number") {
      return {
        rule: backupClientMatchesServer.id,
        status: "undecided",
        message:
          "The Neon server's Postgres major is unknown here, so the backup client cannot be compared with it.",
      };
    }
    const problems: string[] = [];
    for (const job of jobs) {
      const client = Number(variable(job, "PG_VERSION")?.value);
      const node = Number.parseInt(String(variable(job, "NODE_VERSION")?.value ?? ""), 10);
      if (!Number.isInteger(client)) {
        problems.push(
          `Service "${job.serviceName}" sets no numeric PG_VERSION; its Dockerfile then builds pg_dump 16. Set railway.backupJob.pgVersion to ${server}.`,
        );
        continue;
      }
      if (client < server)
        problems.push(
          `Service "${job.serviceName}" builds pg_dump ${client}, older than the Neon server's ${server}; pg_dump refuses a newer server. Set railway.backupJob.pgVersion to ${server}.`,
        );
      const needed = NODE_MAJOR_FOR_PG_CLIENT[client];
      if (needed === undefined)
        problems.push(
          `No known Node Alpine image is paired with postgresql${client}-client; use a pgVersion in ${Object.keys(NODE_MAJOR_FOR_PG_CLIENT).join(", ")}.`,
        );
      else if (!(node >= needed))
        problems.push(
          `Service "${job.serviceName}" builds on Node ${Number.isNaN(node) ? "(unset)" : node}, whose Alpine lacks postgresql${client}-client; set railway.backupJob.nodeVersion to "${needed}" or later.`,
        );
    }
    return verdict(
      backupClientMatchesServer.id,
      problems,
      `pg_dump ${jobs.map((job) => String(variable(job, "PG_VERSION")?.value)).join(", ")} for a Postgres ${server} server.`,
    );
  },
};

export const backupCronMeetsRpo: Rule = {
  id: "backup-cron-meets-rpo",
  description: "The backup job runs on a Railway cron that meets the RPO.",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    const jobs = byRole(services, "backupJob");
    if (jobs.length === 0)
      return notApplicable(backupCronMeetsRpo.id, "the stack declares no backup job");
    const rpoHours = snapshot.expected.rpoHours;
    if (rpoHours === undefined)
      return {
        rule: backupCronMeetsRpo.id,
        status: "undecided",
        message: "No RPO is configured to compare the backup cron with.",
      };
    const problems = jobs.flatMap((job) => {
      if (typeof job.cronSchedule !== "string")
        return [
          `Service "${job.serviceName}" has no cron schedule, so it would run once and never again; set deploy.cronSchedule.`,
        ];
      if (variable(job, "SINGLE_SHOT_MODE")?.value !== "true")
        return [
          `Service "${job.serviceName}" lacks SINGLE_SHOT_MODE=true; a Railway cron job must exit after its dump.`,
        ];
      return backupScheduleViolations(job.cronSchedule, rpoHours).map(
        (v) => `Service "${job.serviceName}": ${v.message}`,
      );
    });
    return verdict(
      backupCronMeetsRpo.id,
      problems,
      `The backup job's cron "${String(jobs[0]?.cronSchedule)}" runs single-shot within the ${rpoHours} h RPO.`,
    );
  },
};

export const backupJobWritesRetainedBucket: Rule = {
  id: "backup-job-writes-retained-bucket",
  description: "The backup job writes to the bucket whose lifecycle enforces the retention.",
  evaluate(snapshot) {
    const services = wiredServices(snapshot);
    const jobs = byRole(services, "backupJob");
    if (jobs.length === 0)
      return notApplicable(backupJobWritesRetainedBucket.id, "the stack declares no backup job");
    const retentionDays = snapshot.expected.retentionDays;
    const lifecycles = snapshot.resources.filter((resource) => resource.type === R2_LIFECYCLE);
    const problems = jobs.flatMap((job) => {
      const bucket = variable(job, "AWS_S3_BUCKET")?.value;
      const lifecycle = lifecycles.find((resource) => resource.inputs.bucketName === bucket);
      if (!lifecycle)
        return [
          `Service "${job.serviceName}" uploads to bucket ${JSON.stringify(bucket)}, which has no lifecycle declared here; backups there would never expire. Point AWS_S3_BUCKET at the backups bucket.`,
        ];
      if (retentionDays === undefined) return [];
      const rules = (lifecycle.inputs.rules ?? []) as LifecycleRuleShape[];
      return lifecycleRetentionViolations(rules, retentionDays).map(
        (v) => `Bucket of "${job.serviceName}": ${v.message}`,
      );
    });
    return verdict(
      backupJobWritesRetainedBucket.id,
      problems,
      `The backup job writes to the bucket whose lifecycle keeps ${retentionDays ?? "?"} days.`,
    );
  },
};
