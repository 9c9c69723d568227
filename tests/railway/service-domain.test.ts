import { afterEach, beforeEach, expect, it } from "vitest";
import { EnvironmentProvider } from "../../src/railway/environment";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { ServiceDomainProvider, type ServiceDomainInputs } from "../../src/railway/service-domain";
import {
  createdOk,
  describeWithRailwaySchema,
  seedService,
  startHarness,
  type Harness,
} from "../../test-support/railway-harness";

let harness: Harness;
let provider: ServiceDomainProvider;
let ids: { projectId: string; environmentId: string; serviceId: string };

const inputs = (overrides: Partial<ServiceDomainInputs> = {}): ServiceDomainInputs => ({
  ...ids,
  serviceName: "frontend",
  subdomain: "fe-client-fulfillment-v2-staging",
  providerVersion: PROVIDER_VERSION,
  ...overrides,
});
const domains = () =>
  [...harness.sim.state.serviceDomains.values()].filter((d) => d.deletedAt === null);

describeWithRailwaySchema("ServiceDomain", () => {
  beforeEach(async () => {
    harness = await startHarness();
    provider = await harness.provider((tuning) => new ServiceDomainProvider(tuning));
    ids = await seedService(harness, "frontend");
  });
  afterEach(() => harness.close());

  it("creates with the fixed subdomain, reads without drift, changes port, sees drift, deletes twice", async () => {
    const created = await createdOk(provider.create(inputs()));
    expect(created.outs.domain).toBe("fe-client-fulfillment-v2-staging.up.railway.app");
    expect(domains().map((d) => d.domain)).toEqual([created.outs.domain]);
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);

    await provider.update(created.id, created.outs, inputs({ targetPort: 3000 }));
    expect(domains()[0]?.targetPort).toBe(3000);

    domains()[0]!.domain = "renamed.up.railway.app";
    const refreshed = await provider.read(created.id, created.outs);
    expect(refreshed.props).toMatchObject({
      domain: "renamed.up.railway.app",
      subdomain: "renamed",
    });
    expect((await provider.diff(created.id, refreshed.props!, inputs())).changes).toBe(true);

    await provider.delete(created.id, created.outs);
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    await expect(provider.delete(created.id, created.outs)).resolves.toBeUndefined();
  });

  it("skips deleted domains (deletedAt, or syncStatus DELETING/DELETED) when reading and adopting", async () => {
    const created = await createdOk(provider.create(inputs()));
    await provider.delete(created.id, created.outs);
    const record = harness.sim.state.serviceDomains.get(created.id)!;
    expect(record.syncStatus).toBe("DELETING");
    harness.sim.state.serviceDomains.set("dom-90", {
      ...record,
      id: "dom-90",
      domain: "other.up.railway.app",
      deletedAt: null,
      syncStatus: "DELETED",
    });
    expect((await provider.read(created.id, created.outs)).id).toBe("");
    const again = await createdOk(provider.create(inputs()));
    expect(again.id).not.toBe(created.id);
    expect(again.id).not.toBe("dom-90");
    expect(again.outs.adopted).toBe(false);
  });

  it("never deletes a domain it adopted", async () => {
    const first = await createdOk(provider.create(inputs()));
    const adopted = await createdOk(provider.create(inputs()));
    expect(adopted.outs).toMatchObject({ domainId: first.id, adopted: true });
    await provider.delete(adopted.id, adopted.outs);
    expect(domains().map((d) => d.id)).toEqual([first.id]);
  });

  it("retries 'ServiceInstance not found' while Railway fans a new service out", async () => {
    harness.sim.injectFault({
      field: "serviceDomainCreate",
      fault: { kind: "graphqlError", message: "ServiceInstance not found" },
      times: 3,
    });
    const created = await createdOk(provider.create(inputs()));
    expect(domains().map((d) => d.id)).toEqual([created.id]);
  });

  it("gives the service an (empty) instance first in an environment created empty", async () => {
    const environments = await harness.provider((tuning) => new EnvironmentProvider(tuning));
    const staging = await environments.create({
      projectId: ids.projectId,
      name: "staging",
      providerVersion: PROVIDER_VERSION,
    });
    harness.sim.resetStats();
    const created = await createdOk(provider.create(inputs({ environmentId: staging.id })));
    expect(harness.sim.state.serviceDomains.get(created.id)?.environmentId).toBe(staging.id);
    expect(harness.sim.stats.deploys).toBe(0);
  });

  it("adopts the service's domain rather than adding another, even after a lost answer", async () => {
    harness.sim.injectFault({ field: "serviceDomainCreate", fault: { kind: "dropAfterExecute" } });
    const first = await createdOk(provider.create(inputs()));
    const second = await createdOk(provider.create(inputs()));
    expect(second.id).toBe(first.id);
    expect(domains()).toHaveLength(1);
  });

  it("finishes a create that failed between its two steps (create, then rename) on the next run", async () => {
    harness.sim.injectFault({
      field: "serviceDomainUpdate",
      fault: { kind: "status", status: 500 },
      times: 5,
    });
    await expect(provider.create(inputs())).rejects.toThrow("ServiceDomainUpdate");
    expect(domains()).toHaveLength(1);
    const retried = await createdOk(provider.create(inputs()));
    expect(domains().map((d) => d.domain)).toEqual([retried.outs.domain]);
    expect(retried.outs.domain).toBe("fe-client-fulfillment-v2-staging.up.railway.app");
  });

  it("adopts the domain with its subdomain among several, and refuses to guess otherwise", async () => {
    const first = await createdOk(provider.create(inputs({ subdomain: "other-name" })));
    const record = harness.sim.state.serviceDomains.get(first.id)!;
    harness.sim.state.serviceDomains.set("dom-99", {
      ...record,
      id: "dom-99",
      domain: "fe-client-fulfillment-v2-staging.up.railway.app",
    });
    harness.sim.resetStats();
    const mine = await createdOk(provider.create(inputs()));
    expect(mine.id).toBe("dom-99");
    expect(harness.sim.stats.mutations).toBe(0);
    await expect(provider.create(inputs({ subdomain: undefined }))).rejects.toThrow(
      'Service "frontend" has 2 Railway domains',
    );
    await expect(provider.create(inputs({ subdomain: "third" }))).rejects.toThrow(
      "set `subdomain` to say which one",
    );
  });

  it("replaces on a new service, validates subdomain and port", async () => {
    const { outs } = await createdOk(provider.create(inputs()));
    expect((await provider.diff("x", outs, inputs({ serviceId: "svc-9" }))).replaces).toEqual([
      "serviceId",
    ]);
    const { failures } = await provider.check(
      inputs(),
      inputs({ serviceName: "", subdomain: "Bad_Name", targetPort: 70000 }),
    );
    expect(failures?.map((f) => f.property)).toEqual(["serviceName", "subdomain", "targetPort"]);
  });
});
