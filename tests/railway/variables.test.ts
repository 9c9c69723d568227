import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VariablesProvider, type VariablesInputs } from "../../src/railway/variables";
import { createdOk, seedService, startHarness, type Harness } from "../../test-support/railway-harness";

let harness: Harness;
let provider: VariablesProvider;
let ids: { projectId: string; environmentId: string; serviceId: string };
beforeEach(async () => {
  harness = await startHarness();
  provider = await harness.provider((tuning) => new VariablesProvider(tuning));
  ids = await seedService(harness, "backend", { image: "app:1" });
  harness.sim.resetStats();
});
afterEach(() => harness.close());

const inputs = (variables: Record<string, string>): VariablesInputs => ({ ...ids, variables, providerVersion: "1" });
const live = () => harness.sim.state.getVariables(ids.environmentId, ids.serviceId);
const DECLARED = { ENVIRONMENT: "staging", DATABASE_URL: "postgresql+asyncpg://u:p@h/db", REDIS_URL: "${{redis.REDIS_URL}}" };

describe("Variables", () => {
  it("writes all keys in one upsert without deploys, then deploys the service once", async () => {
    const created = await createdOk(provider.create(inputs(DECLARED)));
    expect(live()).toEqual(DECLARED);
    expect(harness.sim.stats.byField.variableCollectionUpsert).toBe(1);
    expect(harness.sim.stats.mutations).toBe(2);
    expect(harness.sim.stats.deploysByService).toEqual({ [ids.serviceId]: 1 });
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);
  });

  it("changes one key with one upsert and one deploy; a no-op sends nothing", async () => {
    const { id, outs } = await createdOk(provider.create(inputs(DECLARED)));
    harness.sim.resetStats();
    await provider.update(id, outs, inputs({ ...DECLARED, ENVIRONMENT: "production" }));
    expect(harness.sim.stats).toMatchObject({ mutations: 2, deploys: 1 });
    harness.sim.resetStats();
    await provider.update(id, inputs({ ...DECLARED, ENVIRONMENT: "production" }), inputs({ ...DECLARED, ENVIRONMENT: "production" }));
    expect(harness.sim.stats).toMatchObject({ mutations: 0, deploys: 0 });
  });

  it("never touches keys it does not manage, and removes dropped ones with a single deploy", async () => {
    const { id, outs } = await createdOk(provider.create(inputs(DECLARED)));
    harness.sim.state.setVariable(ids.projectId, ids.environmentId, ids.serviceId, "SENTRY_DSN", "set-by-hand");
    harness.sim.resetStats();
    const { REDIS_URL: _dropped, ...kept } = DECLARED;
    await provider.update(id, outs, inputs({ ...kept, ENVIRONMENT: "production" }));
    expect(live()).toEqual({ ...kept, ENVIRONMENT: "production", SENTRY_DSN: "set-by-hand" });
    expect(harness.sim.stats.deploys).toBe(1);

    await provider.delete(id, inputs({ ...kept, ENVIRONMENT: "production" }));
    expect(live()).toEqual({ SENTRY_DSN: "set-by-hand" });
    await expect(provider.delete(id, inputs(kept))).resolves.toBeUndefined();
  });

  it("does not commit a human's staged dashboard edits: removes in one direct patch, one deploy", async () => {
    const many = { ...DECLARED, A: "1", B: "2", C: "3" };
    const { id, outs } = await createdOk(provider.create(inputs(many)));
    harness.sim.staged.stage(ids.environmentId, { services: { [ids.serviceId]: { variables: { PENDING: { value: "x" } } } } });
    harness.sim.resetStats();
    await provider.update(id, outs, inputs({ ENVIRONMENT: "staging", DATABASE_URL: DECLARED.DATABASE_URL }));
    expect(live()).toEqual({ ENVIRONMENT: "staging", DATABASE_URL: DECLARED.DATABASE_URL });
    expect(harness.sim.staged.unmergedChangesCount(ids.environmentId)).toBe(1);
    expect(harness.sim.stats.byField.environmentPatchCommitStaged ?? 0).toBe(0);
    expect(harness.sim.stats.deploys).toBe(1);
  });

  it("removes several keys at once with no more than one deploy", async () => {
    const many = { ...DECLARED, A: "1", B: "2", C: "3" };
    const { id, outs } = await createdOk(provider.create(inputs(many)));
    harness.sim.resetStats();
    await provider.update(id, outs, inputs({ ENVIRONMENT: "staging" }));
    expect(live()).toEqual({ ENVIRONMENT: "staging" });
    expect(harness.sim.stats.deploys).toBe(1);
  });

  it("deploys on the next run when an earlier run wrote the values but its deploy failed", async () => {
    const { id, outs } = await createdOk(provider.create(inputs(DECLARED)));
    const changed = inputs({ ...DECLARED, ENVIRONMENT: "production" });
    harness.sim.injectFault({ field: "serviceInstanceDeployV2", fault: { kind: "status", status: 503 }, times: 5 });
    await expect(provider.update(id, outs, changed)).rejects.toThrow("ServiceInstanceDeploy");
    expect(live().ENVIRONMENT).toBe("production");
    harness.sim.resetStats();
    // Pulumi keeps the old state after a failed update, so the retry sees the same olds.
    await provider.update(id, outs, changed);
    expect(harness.sim.stats).toMatchObject({ mutations: 1, deploys: 1 });
  });

  it("sees a changed or deleted managed key on read, but not unmanaged ones", async () => {
    const { id, outs } = await createdOk(provider.create(inputs(DECLARED)));
    harness.sim.state.setVariable(ids.projectId, ids.environmentId, ids.serviceId, "ENVIRONMENT", "development");
    harness.sim.state.deleteVariable(ids.projectId, ids.environmentId, ids.serviceId, "REDIS_URL");
    harness.sim.state.setVariable(ids.projectId, ids.environmentId, ids.serviceId, "OTHER", "1");
    const refreshed = await provider.read(id, outs);
    expect(refreshed.props?.variables).toEqual({ ENVIRONMENT: "development", DATABASE_URL: DECLARED.DATABASE_URL });
    expect((await provider.diff(id, refreshed.props!, inputs(DECLARED))).changes).toBe(true);
  });

  it("ends in the declared state through throttling, server errors and dropped connections, losing nothing", async () => {
    harness.sim.state.setVariable(ids.projectId, ids.environmentId, ids.serviceId, "KEEP", "me");
    harness.sim.injectFault({ field: "variableCollectionUpsert", fault: { kind: "status", status: 429, retryAfterSeconds: 0 } });
    harness.sim.injectFault({ field: "variableCollectionUpsert", fault: { kind: "status", status: 502 } });
    harness.sim.injectFault({ field: "variables", fault: { kind: "drop" } });
    harness.sim.injectFault({ field: "variableCollectionUpsert", fault: { kind: "dropAfterExecute" } });
    await provider.create(inputs(DECLARED));
    expect(live()).toEqual({ ...DECLARED, KEEP: "me" });
    expect(harness.sim.stats.deploys).toBe(1);
  });

  it("manages shared variables without deploying anything", async () => {
    const shared = { ...inputs({ APP_NAME: "client-fulfillment" }), serviceId: undefined };
    await provider.create(shared);
    expect(harness.sim.state.getVariables(ids.environmentId, null)).toEqual({ APP_NAME: "client-fulfillment" });
    expect(harness.sim.stats.deploys).toBe(0);
  });

  it("rejects invalid names and replaces on a new scope", async () => {
    const { failures } = await provider.check(inputs({}), inputs({ "1BAD": "x" }));
    expect(failures?.map((f) => f.property)).toEqual(["variables.1BAD"]);
    expect((await provider.diff("x", inputs({}), { ...inputs({}), serviceId: "svc-9" })).replaces).toEqual(["serviceId"]);
  });
});
