import type * as pulumi from "@pulumi/pulumi";
import { ProjectProvider } from "../src/railway/project";
import type { ClientTuning, RailwayProvider } from "../src/railway/provider";
import { ServiceProvider, type ServiceSource } from "../src/railway/service";
import { startRailwaySimulator, type RailwaySimulator } from "./railway-simulator";

/** Retries without real waiting, and a short timeout so slow-answer faults stay quick. */
export const FAST_TUNING: ClientTuning = { baseDelayMs: 1, timeoutMs: 1_000, maxRetries: 4 };

/** The stack config a provider's `configure` receives, as the dynamic provider host builds it. */
export function configRequest(values: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  return { config: { get: (key: string) => values[key] } } as unknown as pulumi.dynamic.ConfigureRequest;
}

export interface Harness {
  readonly sim: RailwaySimulator;
  /** A provider configured with the simulator's token and endpoint, as `pulumi up` would configure it. */
  provider<P extends RailwayProvider>(make: (tuning: ClientTuning) => P): Promise<P>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const sim = await startRailwaySimulator();
  return {
    sim,
    async provider(make) {
      const provider = make(FAST_TUNING);
      await provider.configure(configRequest({ "railway:token": sim.token, "railway:endpoint": sim.url }));
      return provider;
    },
    close: () => sim.close(),
  };
}

/** A project with its default environment, made directly in the simulator's state. */
export async function seedProject(harness: Harness, name = "client-fulfillment") {
  const provider = await harness.provider((tuning) => new ProjectProvider(tuning));
  const { outs } = await createdOk(provider.create({
    name,
    workspaceId: harness.sim.workspaceId,
    defaultEnvironmentName: "production",
    providerVersion: "1",
  }));
  return { projectId: outs.projectId, environmentId: outs.defaultEnvironmentId };
}

/** A project, its default environment, and one service in it. */
export async function seedService(harness: Harness, name: string, source: ServiceSource) {
  const project = await seedProject(harness);
  const services = await harness.provider((tuning) => new ServiceProvider(tuning));
  const { id } = await createdOk(services.create({ ...project, name, source, providerVersion: "1" }));
  return { ...project, serviceId: id };
}

/** A create's result with its outputs, which every provider here returns. */
export async function createdOk<T>(result: Promise<{ id: string; outs?: T }>): Promise<{ id: string; outs: T }> {
  const { id, outs } = await result;
  if (outs === undefined) throw new Error(`create of ${id} returned no outputs`);
  return { id, outs };
}
