import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { isNearMiss, ServiceProvider, type ServiceInputs } from "../../src/railway/service";
import {
  createdOk,
  describeWithRailwaySchema,
  seedProject,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

describe("isNearMiss", () => {
  it.each([
    ["redis", "Redis", true],
    ["crawl4ai", "Crawl4AI", true],
    ["backend", "backend-api", true],
    ["postgres-s3-backups", "postgres_s3_backups", true],
    ["frontend", "frontnd", true],
    ["backend", "backend", false],
    ["redis", "frontend", false],
    ["api", "app", false],
  ])("%s vs %s: %s", (wanted, live, expected) => {
    expect(isNearMiss(wanted, live)).toBe(expected);
  });
});

let harness: Harness;
let provider: ServiceProvider;
let projectId: string;
const inputs = (overrides: Partial<ServiceInputs> = {}): ServiceInputs => ({
  projectId,
  name: "redis",
  nameConfigKey: "client-fulfillment-infra:railway.redis.name",
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});

describeWithRailwaySchema("Service lookup by name", () => {
  beforeEach(async () => {
    harness = await startHarness();
    provider = await harness.provider((tuning) => new ServiceProvider(tuning));
    ({ projectId } = await seedProject(harness));
  });
  afterEach(() => harness.close());

  it("stops on a live service whose name differs only by case, naming both and the key, and creates nothing", async () => {
    await createdOk(provider.create(inputs({ name: "Redis" })));
    harness.sim.resetStats();
    await expect(provider.create(inputs())).rejects.toThrow(
      /no service named "redis" but has "Redis".*set client-fulfillment-infra:railway\.redis\.name to "Redis"/,
    );
    expect(harness.sim.stats.mutations).toBe(0);
  });

  it("adopts the exact name even beside a near miss", async () => {
    const exact = await createdOk(provider.create(inputs({ name: "redis" })));
    const other = await createdOk(provider.create(inputs({ name: "cache" })));
    harness.sim.state.services.get(other.id)!.name = "Redis";
    harness.sim.resetStats();
    const again = await createdOk(provider.create(inputs()));
    expect(again.outs).toMatchObject({ serviceId: exact.id, adopted: true });
  });
});
