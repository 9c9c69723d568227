/**
 * A fresh Railway simulator with the counting proxy in front, and the measurements a
 * rehearsal reports: requests, mutation operations, deploys and which services they hit.
 */
import { startRailwaySimulator, type RailwaySimulator } from "../railway-simulator";
import { startCountingProxy, type CountingProxy } from "./counting-proxy";

export interface RailwayTarget {
  readonly sim: RailwaySimulator;
  readonly proxy: CountingProxy;
  /** `railway:token` and `railway:endpoint` (the proxy), as a stack's config would hold them. */
  readonly config: Record<string, string>;
  readonly secretKeys: readonly string[];
  /** Starts a measurement window (counters to zero, deploys remembered). */
  startWindow(): void;
  /** What happened since `startWindow`. */
  measure(): Measurement;
  close(): Promise<void>;
}

export interface Measurement {
  /** HTTP requests the simulator received. */
  readonly requests: number;
  /** GraphQL documents whose operation is a `mutation` (counted by the proxy). */
  readonly mutations: number;
  /** Root mutation fields the simulator executed successfully (its own `stats.mutations`). */
  readonly mutationFields: number;
  readonly mutationsByName: Readonly<Record<string, number>>;
  /** Deployments the simulator started. */
  readonly deploys: number;
  /** One entry per deployment started, with the simulator's names for its service and environment. */
  readonly deployments: readonly DeploymentSeen[];
  /** Every operation in arrival order. */
  readonly operations: readonly string[];
}

export interface DeploymentSeen {
  readonly serviceId: string;
  readonly service: string;
  readonly environment: string;
}

export async function startRailwayTarget(): Promise<RailwayTarget> {
  const sim = await startRailwaySimulator();
  const proxy = await startCountingProxy(sim.url);
  let deploysBefore = new Set<string>();
  return {
    sim,
    proxy,
    // The simulator answers at once: polling it every 10 ms instead of every second keeps the
    // rehearsal's waits (instances appearing, deploys finishing) short without changing their count.
    config: {
      "railway:token": sim.token,
      "railway:endpoint": proxy.url,
      "railway:pollIntervalMs": "10",
    },
    secretKeys: ["railway:token"],
    startWindow() {
      sim.resetStats();
      proxy.reset();
      deploysBefore = new Set(sim.state.deployments.keys());
    },
    measure() {
      const deployments = [...sim.state.deployments.values()]
        .filter((deployment) => !deploysBefore.has(deployment.id))
        .map((deployment) => ({
          serviceId: deployment.serviceId,
          service: sim.state.services.get(deployment.serviceId)?.name ?? deployment.serviceId,
          environment:
            sim.state.environments.get(deployment.environmentId)?.name ?? deployment.environmentId,
        }));
      return {
        requests: sim.stats.requests,
        mutations: proxy.counts.mutations,
        mutationFields: sim.stats.mutations,
        mutationsByName: { ...proxy.counts.mutationsByName },
        deploys: sim.stats.deploys,
        deployments,
        operations: [...proxy.counts.log],
      };
    },
    async close() {
      await proxy.close();
      await sim.close();
    },
  };
}
