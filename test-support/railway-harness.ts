import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { describe } from "vitest";
import { ProjectProvider } from "../src/railway/project";
import { PROVIDER_VERSION, type ClientTuning, type RailwayProvider } from "../src/railway/provider";
import { findRailwaySchema, railwaySchemaCandidates } from "../src/railway/schema-location";
import { ServiceProvider } from "../src/railway/service";
import {
  startRailwaySimulator,
  type RailwaySimulator,
  type RailwaySimulatorOptions,
} from "./railway-simulator";

/** Retries, polls and consistency waits without real waiting, and a short timeout so slow-answer faults stay quick. */
export const FAST_TUNING: ClientTuning = {
  baseDelayMs: 1,
  timeoutMs: 1_000,
  maxRetries: 4,
  throttleDelayMs: 1,
  consistencyDelayMs: 1,
  pollIntervalMs: 1,
};

const REPO_ROOT = path.resolve(__dirname, "..");

/** The one message every schema-dependent test shows when it skips. */
export const RAILWAY_SCHEMA_MISSING =
  "skipped: Railway's schema is missing; `RAILWAY_API_TOKEN=<token> npm run railway:schema` fetches it";

/**
 * Railway's schema (../shared/railway/schema.json, else .railway-schema.json), which the
 * simulator executes against. Missing, schema-dependent tests skip, unless
 * RAILWAY_SCHEMA_REQUIRED=1 (CI), where a missing schema is an error.
 */
export function railwaySchema(): string | undefined {
  const found = findRailwaySchema(REPO_ROOT);
  if (!found && process.env.RAILWAY_SCHEMA_REQUIRED === "1") {
    throw new Error(
      `RAILWAY_SCHEMA_REQUIRED=1 but none of ${railwaySchemaCandidates(REPO_ROOT).join(", ")} exists.`,
    );
  }
  return found;
}

/** `describe` for tests that need Railway's schema (the simulator, the operations check). */
export function describeWithRailwaySchema(title: string, body: () => void): void {
  if (railwaySchema()) describe(title, body);
  else describe.skip(`${title} (${RAILWAY_SCHEMA_MISSING})`, body);
}

/** The stack config a provider's `configure` receives, as the dynamic provider host builds it. */
export function configRequest(values: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  return {
    config: { get: (key: string) => values[key] },
  } as unknown as pulumi.dynamic.ConfigureRequest;
}

export interface Harness {
  readonly sim: RailwaySimulator;
  /** A provider configured with the simulator's token and endpoint, as `pulumi up` would configure it. */
  provider<P extends RailwayProvider>(
    make: (tuning: ClientTuning) => P,
    config?: Record<string, string>,
  ): Promise<P>;
  close(): Promise<void>;
}

export async function startHarness(options: RailwaySimulatorOptions = {}): Promise<Harness> {
  const sim = await startRailwaySimulator(options);
  return {
    sim,
    async provider(make, config = {}) {
      const provider = make(FAST_TUNING);
      await provider.configure(
        configRequest({ "railway:token": sim.token, "railway:endpoint": sim.url, ...config }),
      );
      return provider;
    },
    close: () => sim.close(),
  };
}

/** A project with its default environment ("production"), created through the provider. */
export async function seedProject(harness: Harness, name = "client-fulfillment") {
  const provider = await harness.provider((tuning) => new ProjectProvider(tuning));
  const { outs } = await createdOk(
    provider.create({
      name,
      workspaceId: harness.sim.workspaceId,
      defaultEnvironmentName: "production",
      providerVersion: PROVIDER_VERSION,
    }),
  );
  return { projectId: outs.projectId, environmentId: outs.defaultEnvironmentId };
}

/** A project, its default environment, and one empty service (an instance in production, nothing deployed). */
export async function seedService(harness: Harness, name: string) {
  const project = await seedProject(harness);
  const services = await harness.provider((tuning) => new ServiceProvider(tuning));
  const { id } = await createdOk(
    services.create({ projectId: project.projectId, name, providerVersion: PROVIDER_VERSION }),
  );
  return { ...project, serviceId: id };
}

/** A create's result with its outputs, which every provider here returns. */
export async function createdOk<T>(
  result: Promise<{ id: string; outs?: T }>,
): Promise<{ id: string; outs: T }> {
  const { id, outs } = await result;
  if (outs === undefined) throw new Error(`create of ${id} returned no outputs`);
  return { id, outs };
}
