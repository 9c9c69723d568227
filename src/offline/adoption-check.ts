/**
 * The adoption check behind `npm run -s railway:check`: the stack's real program on Pulumi's mock
 * runtime (Neon and Cloudflare keep their offline stand-ins), and for every Railway resource the
 * live object the provider would adopt and the patch it would send, read with the provider's own
 * lookups and diff (`src/railway/inspection.ts`) through a client that refuses mutations.
 */
import { parseStackConfig, projectConfigValues, readStackFileConfig } from "../config";
import type { RailwayClient } from "../railway/client";
import { ENDPOINT_CONFIG_KEY, TOKEN_CONFIG_KEY, TOKEN_ENV } from "../railway/credentials";
import {
  inspectDomain,
  inspectEnvironment,
  inspectProject,
  inspectService,
  inspectServiceConfig,
  inspectUsageLimit,
  inspectVolume,
  ReadOnlyRailwayClient,
  type Finding,
  type Inspection,
} from "../railway/inspection";
import type { ServiceConfigInputs } from "../railway/service-patch";
import {
  runProgramOffline,
  type OfflineResourceRequest,
  type OfflineResourceResult,
} from "./mock-runtime";
import { COMPUTED } from "./placeholders";
import { readStackFile } from "../stack-file";

const CHECK_EXIT = { unchanged: 0, changes: 1, blocked: 2 } as const;

export interface AdoptionReport {
  readonly stack: string;
  /** Always true: the client refuses mutations, and none was sent. */
  readonly readOnly: true;
  readonly findings: readonly Finding[];
  readonly summary: Readonly<Record<Finding["status"], number>> & {
    readonly deploys: number;
    readonly leftWrong: number;
  };
  readonly exitCode: (typeof CHECK_EXIT)[keyof typeof CHECK_EXIT];
  readonly notes: readonly string[];
}

/** Bad input the user fixes (token, endpoint, stack file): exit 2 with the message, no trace. */
export class AdoptionCheckError extends Error {
  override readonly name = "AdoptionCheckError";
}

export interface AdoptionCheckOptions {
  readonly projectDir: string;
  readonly stack: string;
  readonly env: NodeJS.ProcessEnv;
  /** A client to use instead of one built from the token (tests count its requests). */
  readonly client?: RailwayClient;
  /** The stack's config map ("ns:key" → string) instead of the stack file's (a rehearsal's edited config). */
  readonly stackConfig?: Record<string, string>;
}

const DYNAMIC_TYPE = /^pulumi-nodejs:dynamic\/railway:(\w+)$/;
const isUnknown = (value: string) => value.includes(COMPUTED);

/** Ids a dependency would get from `up` only (placeholders of objects not found live) are left out. */
function knownIds<T extends Record<string, unknown>>(inputs: T): T {
  const out: Record<string, unknown> = { ...inputs };
  for (const key of ["projectId", "environmentId", "serviceId"]) {
    if (typeof out[key] === "string" && isUnknown(out[key] as string)) delete out[key];
  }
  return out as T;
}

function inspectByType(
  client: RailwayClient,
  kind: string,
  inputs: Record<string, unknown>,
): Promise<Inspection> | undefined {
  const known = knownIds(inputs);
  switch (kind) {
    case "Project":
      return inspectProject(client, known as never);
    case "Environment":
      return inspectEnvironment(client, known as never);
    case "Service":
      return inspectService(client, known as never);
    case "Volume":
      return inspectVolume(client, known as never);
    case "ServiceDomain":
      return inspectDomain(client, known as never);
    case "UsageLimit":
      return inspectUsageLimit(client, known as never);
    case "ServiceConfig":
      return inspectServiceConfig(client, known as unknown as ServiceConfigInputs, isUnknown);
    default:
      return undefined;
  }
}

export function clientFor(
  stackConfig: Record<string, string>,
  secretKeys: readonly string[],
  env: NodeJS.ProcessEnv,
): RailwayClient {
  const configToken = secretKeys.includes(TOKEN_CONFIG_KEY)
    ? undefined
    : stackConfig[TOKEN_CONFIG_KEY];
  const token = env[TOKEN_ENV] || configToken;
  if (!token) {
    throw new AdoptionCheckError(
      `No Railway API token: export ${TOKEN_ENV}=<token> (a workspace token, Railway dashboard → Account → Tokens). ` +
        (secretKeys.includes(TOKEN_CONFIG_KEY)
          ? `The stack's ${TOKEN_CONFIG_KEY} is encrypted, and this check does not decrypt it.`
          : ""),
    );
  }
  return new ReadOnlyRailwayClient({
    token,
    tokenSource: env[TOKEN_ENV]
      ? `environment variable ${TOKEN_ENV}`
      : `stack config ${TOKEN_CONFIG_KEY}`,
    endpoint: env.RAILWAY_API_ENDPOINT || stackConfig[ENDPOINT_CONFIG_KEY] || undefined,
  });
}

interface StackInspection {
  readonly findings: Finding[];
  readonly outputs: Record<string, unknown>;
}

/** One program run: each Railway resource inspected as it registers, its live ids handed to its dependents. */
async function inspectStack(
  client: RailwayClient,
  stack: string,
  stackFile: { config: Record<string, string>; secretKeys: readonly string[] },
  stackReferences: Record<string, Record<string, unknown>>,
): Promise<StackInspection> {
  const findings: Finding[] = [];
  let fatal: unknown;
  const handler = async (
    request: OfflineResourceRequest,
  ): Promise<OfflineResourceResult | undefined> => {
    const kind = DYNAMIC_TYPE.exec(request.type)?.[1];
    if (!kind || fatal) return undefined;
    try {
      const inspection = await inspectByType(client, kind, request.inputs);
      if (!inspection) return undefined;
      findings.push({ resource: `railway:${kind} "${request.name}"`, ...inspection.finding });
      return inspection.id
        ? { id: inspection.id, state: { ...request.inputs, ...inspection.outputs } }
        : undefined;
    } catch (error) {
      fatal = error;
      return undefined;
    }
  };
  const run = await runProgramOffline({
    stack,
    config: stackFile.config,
    secretKeys: [...stackFile.secretKeys],
    stackReferences,
    resourceHandler: handler,
    serializeProviders: false,
  });
  if (fatal) throw fatal;
  return {
    findings,
    outputs: Object.fromEntries(
      Object.entries(run.outputs).map(([key, output]) => [key, output.value]),
    ),
  };
}

function summarize(stack: string, findings: Finding[], notes: string[]): AdoptionReport {
  const count = (status: Finding["status"]) =>
    findings.filter((finding) => finding.status === status).length;
  const summary = {
    unchanged: count("unchanged"),
    change: count("change"),
    create: count("create"),
    blocked: count("blocked"),
    deploys: findings.filter((finding) => finding.deploys).length,
    leftWrong: findings.reduce((total, finding) => total + finding.leftWrong.length, 0),
  };
  const exitCode =
    summary.blocked > 0
      ? CHECK_EXIT.blocked
      : summary.change + summary.create > 0
        ? CHECK_EXIT.changes
        : CHECK_EXIT.unchanged;
  return { stack, readOnly: true, findings, summary, exitCode, notes };
}

/** Runs the check for one stack; staging first reads production's live project and services, by production's own stack file. */
export async function runAdoptionCheck(options: AdoptionCheckOptions): Promise<AdoptionReport> {
  const file = readStackFile(options.projectDir, options.stack);
  const stackFile = options.stackConfig
    ? { config: options.stackConfig, secretKeys: file.secretKeys }
    : file;
  const config = parseStackConfig(
    options.stack,
    projectConfigValues(stackFile.config),
    stackFile.secretKeys,
  );
  const client = options.client ?? clientFor(stackFile.config, stackFile.secretKeys, options.env);
  const notes: string[] = [];
  let stackReferences: Record<string, Record<string, unknown>> = {};
  if (config.environment === "staging") {
    const { file: productionFile } = readStackFileConfig(options.projectDir, "production");
    const production = await inspectStack(client, "production", productionFile, {});
    const missing = production.findings.filter(
      (finding) =>
        (finding.kind === "project" || finding.kind === "service") &&
        finding.status !== "unchanged",
    );
    if (missing.length > 0) {
      const findings = missing.map((finding) => ({
        ...finding,
        resource: `production ${finding.resource}`,
        status: "blocked" as const,
        blockers: [
          ...finding.blockers,
          "staging configures production's project and services: run production's first `up` before staging's",
        ],
      }));
      return summarize(options.stack, findings, notes);
    }
    stackReferences = { [config.railway.productionStack]: production.outputs };
    notes.push(
      "production's project and service ids were read live, by production's stack file, as staging's stack reference would give them",
    );
  }
  const { findings } = await inspectStack(client, options.stack, stackFile, stackReferences);
  if (findings.some((finding) => finding.unknown.length > 0)) {
    notes.push(
      "values computed by Neon, Cloudflare or a generated secret at apply time are listed as unknown: compare them by hand if they matter",
    );
  }
  return summarize(options.stack, findings, notes);
}

const MARK: Record<Finding["status"], string> = {
  unchanged: "=",
  change: "~",
  create: "+",
  blocked: "!",
};

function describeValue(value: unknown): string {
  return value === undefined ? "" : JSON.stringify(value);
}

export function renderAdoptionReport(report: AdoptionReport): string {
  const lines = [
    `Railway adoption check for stack "${report.stack}" (read-only: queries only, no mutation sent)`,
    "",
  ];
  for (const finding of report.findings) {
    const found = finding.found ? ` found as "${finding.found.name}" (${finding.found.id})` : "";
    const what = {
      unchanged: "adopted, nothing changes",
      change: "adopted, up changes it",
      create: "not found: up creates it",
      blocked: "BLOCKED",
    }[finding.status];
    lines.push(
      `${MARK[finding.status]} ${finding.resource}:${found} ${what}${finding.deploys ? "; up deploys it" : ""}`,
    );
    for (const change of finding.changes) {
      const values =
        change.from !== undefined || change.to !== undefined
          ? `: ${describeValue(change.from) || "(unset)"} → ${describeValue(change.to) || "(unset)"}`
          : ": differs (secret, not shown)";
      lines.push(`    ${change.kind} ${change.key}${change.kind === "remove" ? "" : values}`);
    }
    for (const key of finding.unknown)
      lines.push(`    ? ${key}: computed at apply time, not compared`);
    for (const name of finding.kept) lines.push(`    kept ${name}: exists live, not rotated`);
    for (const wrong of finding.leftWrong) lines.push(`    left wrong: ${wrong}`);
    for (const blocker of finding.blockers) lines.push(`    blocked: ${blocker}`);
  }
  const { summary } = report;
  lines.push(
    "",
    `Summary: ${summary.unchanged} unchanged, ${summary.change} changed, ${summary.create} created, ${summary.blocked} blocked; ` +
      `${summary.deploys} deploy(s); ${summary.leftWrong} thing(s) up leaves wrong.`,
  );
  for (const note of report.notes) lines.push(`Note: ${note}.`);
  lines.push(
    {
      0: "Exit 0: adopting changes nothing live.",
      1: "Exit 1: up would change live config (listed above).",
      2: "Exit 2: up must not run yet; fix what is marked blocked, then run the check again.",
    }[report.exitCode],
  );
  return lines.join("\n");
}
