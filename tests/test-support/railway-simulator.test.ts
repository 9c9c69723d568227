import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";
import { seedDashboardProduction } from "../../test-support/railway-simulator/dashboard-production.js";
import { environmentConfig } from "../../test-support/railway-simulator/environment-config.js";
import {
  startRailwaySimulator,
  type RailwaySimulator,
} from "../../test-support/railway-simulator/index.js";

interface GraphQLErrorBody {
  message: string;
  path?: string[];
}

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorBody[];
}

interface GraphQLResponse {
  status: number;
  headers: Headers;
  body: GraphQLBody;
}

let sim: RailwaySimulator;

describeWithRailwaySchema("Railway simulator", () => {
  // Most tests here look at one behaviour at a time: instances visible at once, deploys ending at once.
  // "eventual consistency and deploy progress" below turns both back on.
  beforeEach(async () => {
    sim = await startRailwaySimulator({
      instanceVisibilityLag: 0,
      deployPolls: 0,
      deployVisibilityLag: 0,
    });
  });

  afterEach(async () => {
    await sim.close();
  });

  function post(
    body: string,
    authorization: string | null = `Bearer ${sim.token}`,
  ): Promise<Response> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (authorization !== null) headers.authorization = authorization;
    return fetch(sim.url, { method: "POST", headers, body });
  }

  async function graphql(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string | null,
  ): Promise<GraphQLResponse> {
    const response = await post(JSON.stringify({ query, variables }), authorization);
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as GraphQLBody,
    };
  }

  /** Runs a document that must succeed and returns its data. */
  async function graphqlData<TData>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<TData> {
    const { status, body } = await graphql(query, variables);
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(status).toBe(200);
    return body.data as TData;
  }

  /** Runs a document that must fail and returns the first error message. */
  async function graphqlError(query: string, variables?: Record<string, unknown>): Promise<string> {
    const { status, body } = await graphql(query, variables);
    expect(status).toBe(200);
    expect(body.data ?? null).toBeNull();
    const [first] = body.errors ?? [];
    expect(first).toBeDefined();
    return first?.message ?? "";
  }

  async function createProject(
    name = "shop",
  ): Promise<{ projectId: string; productionId: string }> {
    const data = await graphqlData<{
      projectCreate: {
        id: string;
        environments: { edges: Array<{ node: { id: string; name: string } }> };
      };
    }>(
      `mutation ($name: String!) { projectCreate(input: { name: $name }) { id environments { edges { node { id name } } } } }`,
      {
        name,
      },
    );
    const production = data.projectCreate.environments.edges.find(
      (edge) => edge.node.name === "production",
    );
    if (!production) throw new Error("projectCreate did not create a production environment");
    return { projectId: data.projectCreate.id, productionId: production.node.id };
  }

  async function createEnvironment(
    projectId: string,
    name: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const data = await graphqlData<{ environmentCreate: { id: string } }>(
      `mutation ($input: EnvironmentCreateInput!) { environmentCreate(input: $input) { id } }`,
      { input: { projectId, name, ...extra } },
    );
    return data.environmentCreate.id;
  }

  async function createService(
    projectId: string,
    name: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const data = await graphqlData<{ serviceCreate: { id: string } }>(
      `mutation ($input: ServiceCreateInput!) { serviceCreate(input: $input) { id } }`,
      { input: { projectId, name, source: { image: "nginx:1.27" }, ...extra } },
    );
    return data.serviceCreate.id;
  }

  async function environmentServiceNames(environmentId: string): Promise<string[]> {
    const data = await graphqlData<{
      environment: { serviceInstances: { edges: Array<{ node: { serviceName: string } }> } };
    }>(
      `query ($id: String!) { environment(id: $id) { serviceInstances { edges { node { serviceName } } } } }`,
      {
        id: environmentId,
      },
    );
    return data.environment.serviceInstances.edges.map((edge) => edge.node.serviceName).sort();
  }

  async function upsertVariables(input: Record<string, unknown>): Promise<void> {
    await graphqlData(
      `mutation ($input: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $input) }`,
      {
        input,
      },
    );
  }

  async function readVariables(
    projectId: string,
    environmentId: string,
    serviceId: string | null,
    unrendered = false,
  ) {
    const data = await graphqlData<{ variables: Record<string, string> }>(
      `query ($p: String!, $e: String!, $s: String, $u: Boolean) {
      variables(projectId: $p, environmentId: $e, serviceId: $s, unrendered: $u)
    }`,
      { p: projectId, e: environmentId, s: serviceId, u: unrendered },
    );
    return data.variables;
  }

  describe("request handling", () => {
    it("rejects a document with an unknown field with graphql's validation error, without executing", async () => {
      const { status, body } = await graphql(`
        query {
          service(id: "svc-1") {
            id
            frobnicate
          }
        }
      `);
      expect(status).toBe(200);
      expect(body.data).toBeUndefined();
      expect(body.errors?.map((error) => error.message)).toEqual([
        'Cannot query field "frobnicate" on type "Service".',
      ]);
      expect(sim.stats.byField).toEqual({});
    });

    it("rejects an unknown argument the way Railway's schema does", async () => {
      const message = await graphqlError(`mutation { serviceDelete(id: "svc-1", force: true) }`);
      expect(message).toBe('Unknown argument "force" on field "Mutation.serviceDelete".');
    });

    it("answers unparsable JSON with HTTP 400", async () => {
      const response = await post("{ not json");
      expect(response.status).toBe(400);
      expect(((await response.json()) as GraphQLBody).errors?.[0]?.message).toMatch(/JSON/);
    });

    it("answers a missing or wrong token with Not Authorized and executes nothing", async () => {
      const query = `mutation { projectCreate(input: { name: "x" }) { id } }`;
      for (const authorization of [null, "Bearer wrong-token", sim.token]) {
        const { status, body } = await graphql(query, undefined, authorization);
        expect(status).toBe(200);
        expect(body).toEqual({ data: null, errors: [{ message: "Not Authorized" }] });
      }
      expect(sim.state.projects.size).toBe(0);
      expect(sim.stats.mutations).toBe(0);
    });

    it("accepts the configured token", async () => {
      const custom = await startRailwaySimulator({ token: "secret", workspaceId: "ws-custom" });
      try {
        const response = await fetch(custom.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer secret" },
          body: JSON.stringify({
            query: `mutation { projectCreate(input: {}) { id workspaceId } }`,
          }),
        });
        const body = (await response.json()) as GraphQLBody;
        expect(body.data).toEqual({ projectCreate: { id: "prj-1", workspaceId: "ws-custom" } });
        expect(custom.token).toBe("secret");
        expect(custom.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql\/v2$/);
      } finally {
        await custom.close();
      }
    });

    it("passes JSON scalars through, both as literals and as variables", async () => {
      const { projectId, productionId } = await createProject();
      const created = await graphqlData<{ serviceCreate: { id: string } }>(
        `mutation ($p: String!, $e: String!) {
        serviceCreate(input: { projectId: $p, environmentId: $e, name: "api", variables: { PORT: "8080", URL: "http://\${{PORT}}" } }) { id }
      }`,
        { p: projectId, e: productionId },
      );
      const serviceId = created.serviceCreate.id;
      await upsertVariables({
        projectId,
        environmentId: productionId,
        serviceId,
        variables: { MODE: "prod" },
        skipDeploys: true,
      });

      expect(await readVariables(projectId, productionId, serviceId)).toEqual({
        PORT: "8080",
        URL: "http://8080",
        MODE: "prod",
      });
      expect((await readVariables(projectId, productionId, serviceId, true)).URL).toBe(
        "http://${{PORT}}",
      );
    });
  });

  describe("services and environments", () => {
    it("gives a new service an instance in every non-fork environment; a new environment without a source starts empty", async () => {
      const { projectId, productionId } = await createProject();
      const stagingId = await createEnvironment(projectId, "staging");
      const previewId = await createEnvironment(projectId, "pr-7", { ephemeral: true });

      await createService(projectId, "api");
      expect(await environmentServiceNames(productionId)).toEqual(["api"]);
      expect(await environmentServiceNames(stagingId)).toEqual(["api"]);
      expect(await environmentServiceNames(previewId)).toEqual([]);

      await createService(projectId, "worker", { environmentId: stagingId });
      await createService(projectId, "preview-only", { environmentId: previewId });
      expect(await environmentServiceNames(productionId)).toEqual(["api", "worker"]);
      expect(await environmentServiceNames(stagingId)).toEqual(["api", "worker"]);
      expect(await environmentServiceNames(previewId)).toEqual(["preview-only"]);

      // CLI src/commands/environment/new.rs: "No duplication = empty environment".
      const qaId = await createEnvironment(projectId, "qa");
      expect(await environmentServiceNames(qaId)).toEqual([]);
    });

    it("copies instance settings and variables from sourceEnvironmentId", async () => {
      const { projectId, productionId } = await createProject();
      const serviceId = await createService(projectId, "api");
      sim.state.updateServiceInstance(productionId, serviceId, {
        startCommand: "node server.js",
        numReplicas: 2,
      });
      sim.state.setVariable(projectId, productionId, serviceId, "LOG_LEVEL", "info");
      sim.state.setVariable(projectId, productionId, null, "REGION", "eu");

      const stagingId = await createEnvironment(projectId, "staging", {
        sourceEnvironmentId: productionId,
      });
      const data = await graphqlData<{
        serviceInstance: { startCommand: string | null; numReplicas: number };
      }>(
        `query ($e: String!, $s: String!) { serviceInstance(environmentId: $e, serviceId: $s) { startCommand numReplicas } }`,
        { e: stagingId, s: serviceId },
      );
      expect(data.serviceInstance).toEqual({ startCommand: "node server.js", numReplicas: 2 });
      expect(await readVariables(projectId, stagingId, serviceId)).toEqual({ LOG_LEVEL: "info" });
      expect(await readVariables(projectId, stagingId, null)).toEqual({ REGION: "eu" });
    });

    it("keeps omitted instance settings but resets numReplicas to 1, without deploying", async () => {
      const { projectId, productionId } = await createProject();
      const serviceId = await createService(projectId, "api");
      sim.resetStats();
      const update = `mutation ($s: String!, $e: String!, $input: ServiceInstanceUpdateInput!) {
      serviceInstanceUpdate(serviceId: $s, environmentId: $e, input: $input)
    }`;
      await graphqlData(update, {
        s: serviceId,
        e: productionId,
        input: { numReplicas: 3, startCommand: "npm start", restartPolicyType: "ALWAYS" },
      });
      await graphqlData(update, {
        s: serviceId,
        e: productionId,
        input: { healthcheckPath: "/health" },
      });

      const data = await graphqlData<{ serviceInstance: Record<string, unknown> }>(
        `query ($e: String!, $s: String!) {
        serviceInstance(environmentId: $e, serviceId: $s) {
          numReplicas startCommand healthcheckPath restartPolicyType source { image repo } latestDeployment { id }
        }
      }`,
        { e: productionId, s: serviceId },
      );
      expect(data.serviceInstance).toEqual({
        numReplicas: 1,
        startCommand: "npm start",
        healthcheckPath: "/health",
        restartPolicyType: "ALWAYS",
        source: { image: "nginx:1.27", repo: null },
        latestDeployment: { id: "dep-1" },
      });
      expect(sim.stats.deploys).toBe(0);
    });

    it("rejects duplicate names per project with Railway's messages, and allows reuse after deletion", async () => {
      const { projectId } = await createProject();
      const serviceId = await createService(projectId, "api");

      expect(
        await graphqlError(
          `mutation { serviceCreate(input: { projectId: "${projectId}", name: "api" }) { id } }`,
        ),
      ).toBe('A service named "api" already exists in this project');
      expect(
        await graphqlError(
          `mutation { environmentCreate(input: { projectId: "${projectId}", name: "production" }) { id } }`,
        ),
      ).toBe('An environment named "production" already exists in this project');

      const otherProject = await createProject("other");
      await expect(createService(otherProject.projectId, "api")).resolves.toMatch(/^svc-/);

      await graphqlData(`mutation { serviceDelete(id: "${serviceId}") }`);
      await expect(createService(projectId, "api")).resolves.not.toBe(serviceId);
    });

    it("generates non-clashing default volume names and rejects duplicate volume names", async () => {
      const { projectId } = await createProject();
      const serviceId = await createService(projectId, "api");
      const createVolume = `mutation ($input: VolumeCreateInput!) { volumeCreate(input: $input) { id name } }`;
      const first = await graphqlData<{ volumeCreate: { id: string; name: string } }>(
        createVolume,
        {
          input: { projectId, serviceId, mountPath: "/data" },
        },
      );
      const second = await graphqlData<{ volumeCreate: { id: string; name: string } }>(
        createVolume,
        {
          input: { projectId, mountPath: "/cache" },
        },
      );
      const third = await graphqlData<{ volumeCreate: { id: string; name: string } }>(
        createVolume,
        {
          input: { projectId, serviceId, mountPath: "/more" },
        },
      );
      expect([first.volumeCreate.name, second.volumeCreate.name, third.volumeCreate.name]).toEqual([
        "api-volume",
        "volume",
        "api-volume-2",
      ]);
      expect(
        await graphqlError(
          `mutation { volumeUpdate(volumeId: "${second.volumeCreate.id}", input: { name: "api-volume" }) { id } }`,
        ),
      ).toBe('A volume named "api-volume" already exists in this project');
    });

    it("reports missing ids as '<Type> not found' with null data", async () => {
      const { projectId, productionId } = await createProject();
      expect(await graphqlError(`query { service(id: "svc-404") { id } }`)).toBe(
        "Service not found",
      );
      expect(await graphqlError(`query { project(id: "prj-404") { id } }`)).toBe(
        "Project not found",
      );
      expect(await graphqlError(`query { environment(id: "env-404") { id } }`)).toBe(
        "Environment not found",
      );
      expect(
        await graphqlError(
          `query { serviceInstance(environmentId: "${productionId}", serviceId: "svc-404") { id } }`,
        ),
      ).toBe("ServiceInstance not found");
      expect(await graphqlError(`mutation { serviceDelete(id: "svc-404") }`)).toBe(
        "Service not found",
      );
      expect(await graphqlError(`mutation { volumeDelete(volumeId: "vol-404") }`)).toBe(
        "Volume not found",
      );
      expect(await graphqlError(`mutation { deploymentTriggerDelete(id: "trg-404") }`)).toBe(
        "Deployment trigger not found",
      );
      expect(await graphqlError(`mutation { serviceDomainDelete(id: "dom-404") }`)).toBe(
        "Service domain not found",
      );
      expect(
        await graphqlError(
          `mutation { variableUpsert(input: { projectId: "${projectId}", environmentId: "env-404", name: "A", value: "1" }) }`,
        ),
      ).toBe("Environment not found");
    });

    it("soft-deletes: by-id reads still return the record with deletedAt, lists drop it", async () => {
      const { projectId, productionId } = await createProject();
      const serviceId = await createService(projectId, "api", {
        source: { repo: "acme/api" },
        branch: "release",
      });
      await createService(projectId, "worker");
      await graphqlData(
        `mutation { serviceDomainCreate(input: { environmentId: "${productionId}", serviceId: "${serviceId}" }) { id } }`,
      );
      await graphqlData(
        `mutation { volumeCreate(input: { projectId: "${projectId}", serviceId: "${serviceId}", mountPath: "/data" }) { id } }`,
      );
      sim.state.setVariable(projectId, productionId, serviceId, "SECRET", "x");
      expect(
        sim.state.findDeploymentTriggers(productionId, serviceId).map((t) => t.branch),
      ).toEqual(["release"]);

      await graphqlData(`mutation { serviceDelete(id: "${serviceId}") }`);

      const byId = await graphqlData<{ service: { id: string; deletedAt: string | null } }>(
        `query { service(id: "${serviceId}") { id deletedAt } }`,
      );
      expect(byId.service.id).toBe(serviceId);
      expect(Date.parse(byId.service.deletedAt ?? "")).not.toBeNaN();
      const listed = await graphqlData<{
        project: { services: { edges: Array<{ node: { name: string } }> } };
      }>(`query { project(id: "${projectId}") { services { edges { node { name } } } } }`);
      expect(listed.project.services.edges.map((edge) => edge.node.name)).toEqual(["worker"]);
      expect(await environmentServiceNames(productionId)).toEqual(["worker"]);
      expect(sim.state.findServiceDomains(productionId, serviceId)).toEqual([]);
      expect(sim.state.findDeploymentTriggers(productionId, serviceId)).toEqual([]);
      expect(sim.state.getVariables(productionId, serviceId)).toEqual({});
      expect([...sim.state.volumeInstances.values()].map((vi) => vi.serviceId)).toEqual([null]);
      expect(await graphqlError(`mutation { serviceDelete(id: "${serviceId}") }`)).toBe(
        "Service not found",
      );
    });

    it("soft-deletes a project with its environments and services", async () => {
      const { projectId, productionId } = await createProject("doomed");
      await createProject("kept");
      await createService(projectId, "api");
      await graphqlData(`mutation { projectDelete(id: "${projectId}") }`);

      const byId = await graphqlData<{ project: { deletedAt: string | null } }>(
        `query { project(id: "${projectId}") { deletedAt } }`,
      );
      expect(byId.project.deletedAt).not.toBeNull();
      const environment = await graphqlData<{ environment: { deletedAt: string | null } }>(
        `query { environment(id: "${productionId}") { deletedAt } }`,
      );
      expect(environment.environment.deletedAt).not.toBeNull();
      const projects = await graphqlData<{
        projects: { edges: Array<{ node: { name: string } }> };
      }>(`query { projects(workspaceId: "ws-sim") { edges { node { name } } } }`);
      expect(projects.projects.edges.map((edge) => edge.node.name)).toEqual(["kept"]);
      expect(sim.state.findService(projectId, "api")).toBeUndefined();
    });

    it("paginates connections with first/after", async () => {
      await createProject("a");
      await createProject("b");
      await createProject("c");
      const page = `query ($after: String) { projects(first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }`;
      type Page = {
        projects: {
          edges: Array<{ node: { name: string } }>;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      };
      const first = await graphqlData<Page>(page);
      expect(first.projects.edges.map((edge) => edge.node.name)).toEqual(["a", "b"]);
      expect(first.projects.pageInfo.hasNextPage).toBe(true);
      const second = await graphqlData<Page>(page, { after: first.projects.pageInfo.endCursor });
      expect(second.projects.edges.map((edge) => edge.node.name)).toEqual(["c"]);
      expect(second.projects.pageInfo.hasNextPage).toBe(false);
    });
  });

  describe("resource lifecycles", () => {
    it("creates, updates and deletes service domains", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "Checkout API");
      const created = await graphqlData<{
        serviceDomainCreate: { id: string; domain: string; suffix: string; targetPort: number };
      }>(
        `mutation { serviceDomainCreate(input: { environmentId: "${productionId}", serviceId: "${apiId}", targetPort: 8080 }) { id domain suffix targetPort } }`,
      );
      expect(created.serviceDomainCreate).toEqual({
        id: "dom-1",
        domain: "checkout-api-production-1.up.railway.app",
        suffix: "up.railway.app",
        targetPort: 8080,
      });
      await graphqlData(
        `mutation { serviceDomainUpdate(input: { serviceDomainId: "dom-1", environmentId: "${productionId}", serviceId: "${apiId}", domain: "checkout.up.railway.app", targetPort: 3000 }) }`,
      );
      const domainsQuery = `query { domains(projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}") { serviceDomains { id domain targetPort } customDomains { id } } }`;
      const listed = await graphqlData<{ domains: unknown }>(domainsQuery);
      expect(listed.domains).toEqual({
        serviceDomains: [{ id: "dom-1", domain: "checkout.up.railway.app", targetPort: 3000 }],
        customDomains: [],
      });
      await graphqlData(`mutation { serviceDomainDelete(id: "dom-1") }`);
      const afterDelete = await graphqlData<{
        domains: {
          serviceDomains: Array<{ id: string; deletedAt: string | null; syncStatus: string }>;
        };
      }>(
        `query { domains(projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}") { serviceDomains { id deletedAt syncStatus } } }`,
      );
      // A deleted domain lingers, marked: clients must skip it (alchemy ServiceDomain.ts).
      expect(afterDelete.domains.serviceDomains).toMatchObject([
        { id: "dom-1", syncStatus: "DELETING" },
      ]);
      expect(afterDelete.domains.serviceDomains[0]?.deletedAt).not.toBeNull();
      expect(await graphqlError(`mutation { serviceDomainDelete(id: "dom-1") }`)).toBe(
        "Service domain not found",
      );
    });

    it("creates, updates, lists and deletes deployment triggers", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      const created = await graphqlData<{
        deploymentTriggerCreate: { id: string; branch: string };
      }>(
        `mutation { deploymentTriggerCreate(input: { projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}", provider: "github", repository: "acme/api", branch: "main" }) { id branch } }`,
      );
      const triggerId = created.deploymentTriggerCreate.id;
      await graphqlData(
        `mutation { deploymentTriggerUpdate(id: "${triggerId}", input: { branch: "release" }) { id } }`,
      );
      const listQuery = `query { deploymentTriggers(projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}") { edges { node { id repository branch provider } } } }`;
      const listed = await graphqlData<{ deploymentTriggers: { edges: Array<{ node: unknown }> } }>(
        listQuery,
      );
      expect(listed.deploymentTriggers.edges.map((edge) => edge.node)).toEqual([
        { id: triggerId, repository: "acme/api", branch: "release", provider: "github" },
      ]);
      await graphqlData(`mutation { deploymentTriggerDelete(id: "${triggerId}") }`);
      const after = await graphqlData<{ deploymentTriggers: { edges: unknown[] } }>(listQuery);
      expect(after.deploymentTriggers.edges).toEqual([]);
    });

    it("updates volume instances; leaving serviceId out detaches the volume, as Railway's schema documents", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      const created = await graphqlData<{ volumeCreate: { id: string } }>(
        `mutation { volumeCreate(input: { projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}", mountPath: "/data" }) { id } }`,
      );
      const volumeId = created.volumeCreate.id;
      const readInstance = async () => {
        const data = await graphqlData<{
          environment: {
            volumeInstances: {
              edges: Array<{ node: { id: string; serviceId: string | null; mountPath: string } }>;
            };
          };
        }>(
          `query { environment(id: "${productionId}") { volumeInstances { edges { node { id serviceId mountPath } } } } }`,
        );
        return data.environment.volumeInstances.edges.map((edge) => edge.node);
      };
      expect(await readInstance()).toEqual([{ id: "vi-1", serviceId: apiId, mountPath: "/data" }]);

      const update = `mutation ($input: VolumeInstanceUpdateInput!) { volumeInstanceUpdate(volumeId: "${volumeId}", environmentId: "${productionId}", input: $input) }`;
      await graphqlData(update, { input: { serviceId: apiId, mountPath: "/var/data" } });
      expect(await readInstance()).toEqual([
        { id: "vi-1", serviceId: apiId, mountPath: "/var/data" },
      ]);
      await graphqlData(update, { input: { mountPath: "/srv" } });
      expect(await readInstance()).toEqual([{ id: "vi-1", serviceId: null, mountPath: "/srv" }]);

      await graphqlData(`mutation { volumeDelete(volumeId: "${volumeId}") }`);
      expect(await readInstance()).toEqual([]);
      const byId = await graphqlData<{ volumeInstance: { deletedAt: string | null } }>(
        `query { volumeInstance(id: "vi-1") { deletedAt } }`,
      );
      expect(byId.volumeInstance.deletedAt).not.toBeNull();
    });

    it("renames projects, environments and services, and reconnects service sources", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      const stagingId = await createEnvironment(projectId, "staging");
      await graphqlData(
        `mutation { projectUpdate(id: "${projectId}", input: { name: "store", description: "d" }) { id } }`,
      );
      await graphqlData(
        `mutation { environmentRename(id: "${stagingId}", input: { name: "qa" }) { id } }`,
      );
      await graphqlData(
        `mutation { serviceUpdate(id: "${apiId}", input: { name: "web" }) { id } }`,
      );
      await graphqlData(
        `mutation { serviceConnect(id: "${apiId}", input: { repo: "acme/web", branch: "trunk" }) { id } }`,
      );
      await graphqlData(`mutation { environmentDelete(id: "${stagingId}") }`);

      const data = await graphqlData<{
        project: {
          name: string;
          description: string;
          environments: { edges: Array<{ node: { name: string } }> };
        };
        serviceInstance: {
          serviceName: string;
          source: { image: string | null; repo: string | null };
        };
        environments: { edges: Array<{ node: { id: string } }> };
      }>(
        `query {
        project(id: "${projectId}") { name description environments { edges { node { name } } } }
        serviceInstance(environmentId: "${productionId}", serviceId: "${apiId}") { serviceName source { image repo } }
        environments(projectId: "${projectId}") { edges { node { id } } }
      }`,
      );
      expect(data.project).toEqual({
        name: "store",
        description: "d",
        environments: { edges: [{ node: { name: "production" } }] },
      });
      expect(data.serviceInstance).toEqual({
        serviceName: "web",
        source: { image: null, repo: "acme/web" },
      });
      expect(data.environments.edges).toEqual([{ node: { id: productionId } }]);
      expect(
        sim.state.findDeploymentTriggers(productionId, apiId).map((t) => [t.repository, t.branch]),
      ).toEqual([["acme/web", "trunk"]]);
    });
  });

  describe("deploys", () => {
    it("starts a deploy per variable write unless skipDeploys, and for every service on shared writes", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      const workerId = await createService(projectId, "worker");
      sim.resetStats();

      await upsertVariables({
        projectId,
        environmentId: productionId,
        serviceId: apiId,
        variables: { A: "1" },
      });
      expect(sim.stats.deploys).toBe(1);
      expect(sim.stats.deploysByService).toEqual({ [apiId]: 1 });

      await upsertVariables({
        projectId,
        environmentId: productionId,
        serviceId: apiId,
        variables: { B: "2" },
        skipDeploys: true,
      });
      await graphqlData(
        `mutation { variableUpsert(input: { projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}", name: "C", value: "3", skipDeploys: true }) }`,
      );
      expect(sim.stats.deploys).toBe(1);

      await upsertVariables({
        projectId,
        environmentId: productionId,
        variables: { SHARED: "yes" },
      });
      expect(sim.stats.deploysByService).toEqual({ [apiId]: 2, [workerId]: 1 });

      await graphqlData(
        `mutation { variableDelete(input: { projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}", name: "A" }) }`,
      );
      expect(sim.stats.deploys).toBe(4);
      expect(await readVariables(projectId, productionId, apiId)).toEqual({ B: "2", C: "3" });

      const instance = await graphqlData<{
        serviceInstance: { latestDeployment: { id: string; status: string } };
      }>(
        `query { serviceInstance(environmentId: "${productionId}", serviceId: "${apiId}") { latestDeployment { id status } } }`,
      );
      expect(instance.serviceInstance.latestDeployment).toEqual({ id: "dep-6", status: "SUCCESS" });
    });

    it("replace: true drops the scope's other variables", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      await upsertVariables({
        projectId,
        environmentId: productionId,
        serviceId: apiId,
        variables: { A: "1", B: "2" },
      });
      await upsertVariables({
        projectId,
        environmentId: productionId,
        serviceId: apiId,
        variables: { C: "3" },
        replace: true,
      });
      expect(await readVariables(projectId, productionId, apiId)).toEqual({ C: "3" });
    });

    it("serviceInstanceDeployV2 and serviceInstanceRedeploy start one deploy each", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      expect(sim.stats.deploysByService).toEqual({ [apiId]: 1 });
      sim.resetStats();
      const deployed = await graphqlData<{ serviceInstanceDeployV2: string }>(
        `mutation { serviceInstanceDeployV2(serviceId: "${apiId}", environmentId: "${productionId}") }`,
      );
      expect(deployed.serviceInstanceDeployV2).toBe("dep-2");
      await graphqlData(
        `mutation { serviceInstanceRedeploy(serviceId: "${apiId}", environmentId: "${productionId}") }`,
      );
      expect(sim.stats.deploys).toBe(2);
      expect(sim.stats.deploysByService).toEqual({ [apiId]: 2 });
      expect(sim.state.findServiceInstance(productionId, apiId)?.latestDeploymentId).toBe("dep-3");
    });
  });

  describe("fault injection", () => {
    const createProjectMutation = `mutation { projectCreate(input: { name: "faulty" }) { id } }`;

    it("answers 429 with Retry-After without executing, once by default", async () => {
      sim.injectFault({ fault: { kind: "status", status: 429, retryAfterSeconds: 7 } });
      const limited = await graphql(createProjectMutation);
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("7");
      expect(sim.state.projects.size).toBe(0);
      expect(sim.stats.byField).toEqual({});

      const next = await graphql(createProjectMutation);
      expect(next.status).toBe(200);
      expect(sim.state.projects.size).toBe(1);
      expect(sim.stats.requests).toBe(2);
    });

    it("answers 503 without executing and without Retry-After", async () => {
      sim.injectFault({ fault: { kind: "status", status: 503 } });
      const unavailable = await graphql(createProjectMutation);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get("retry-after")).toBeNull();
      expect(sim.state.projects.size).toBe(0);
    });

    it("drop: the request fails at the network level and nothing executes", async () => {
      sim.injectFault({ fault: { kind: "drop" } });
      await expect(graphql(createProjectMutation)).rejects.toThrow();
      expect(sim.state.projects.size).toBe(0);
      expect(sim.stats.requests).toBe(1);
      expect(sim.stats.mutations).toBe(0);
    });

    it("dropAfterExecute: the request fails but the mutation happened", async () => {
      sim.injectFault({ fault: { kind: "dropAfterExecute" } });
      await expect(graphql(createProjectMutation)).rejects.toThrow();
      expect(sim.state.findProject("faulty")?.id).toBe("prj-1");
      expect(sim.stats.mutations).toBe(1);
    });

    it("delay: responds normally after waiting", async () => {
      sim.injectFault({ fault: { kind: "delay", ms: 150 } });
      const started = performance.now();
      const delayed = await graphql(createProjectMutation);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
      expect(delayed.body.data).toEqual({ projectCreate: { id: "prj-1" } });
    });

    it("applies a rule `times` times, then stops", async () => {
      sim.injectFault({ fault: { kind: "status", status: 500 }, times: 2 });
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3; attempt++)
        statuses.push((await graphql(createProjectMutation)).status);
      expect(statuses).toEqual([500, 500, 200]);
      expect(sim.state.projects.size).toBe(1);
    });

    it("matches rules by root field and consumes matching rules in FIFO order", async () => {
      const { projectId } = await createProject();
      sim.injectFault({ fault: { kind: "status", status: 502 }, field: "serviceCreate" });
      sim.injectFault({ fault: { kind: "status", status: 503 }, field: "serviceCreate" });

      const query = await graphql(`query { project(id: "${projectId}") { id } }`);
      expect(query.status).toBe(200);

      const createService = `mutation ($p: String!) { serviceCreate(input: { projectId: $p, name: "api" }) { id } }`;
      expect((await graphql(createService, { p: projectId })).status).toBe(502);
      expect((await graphql(createService, { p: projectId })).status).toBe(503);
      expect((await graphql(createService, { p: projectId })).status).toBe(200);
    });

    it("matches a root field reached through a fragment, by name not alias", async () => {
      const { projectId } = await createProject();
      sim.injectFault({ fault: { kind: "status", status: 500 }, field: "project" });
      const response = await graphql(
        `query { ...Root } fragment Root on Query { renamed: project(id: "${projectId}") { id } }`,
      );
      expect(response.status).toBe(500);
    });

    it("close() does not wait for a delayed request", async () => {
      const other = await startRailwaySimulator();
      other.injectFault({ fault: { kind: "delay", ms: 10_000 } });
      const pending = fetch(other.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${other.token}` },
        body: JSON.stringify({ query: createProjectMutation }),
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = performance.now();
      await other.close();
      await expect(pending).rejects.toThrow();
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(other.state.projects.size).toBe(0);
    });

    it("clearFaults removes pending rules", async () => {
      sim.injectFault({ fault: { kind: "drop" }, times: 5 });
      sim.clearFaults();
      expect((await graphql(createProjectMutation)).status).toBe(200);
    });
  });

  describe("stats", () => {
    it("counts requests, mutations per root field, and field executions", async () => {
      const { projectId } = await createProject();
      await graphql(`query { project(id: "${projectId}") { id } }`, undefined, null);
      await fetch(sim.url.replace("/graphql/v2", "/elsewhere"));
      await graphqlData(
        `mutation ($p: String!) {
        a: serviceCreate(input: { projectId: $p, name: "a" }) { id }
        b: serviceCreate(input: { projectId: $p, name: "b" }) { id }
      }`,
        { p: projectId },
      );
      await graphqlError(`mutation { serviceDelete(id: "svc-404") }`);
      await graphqlData(`query { project(id: "${projectId}") { id } }`);

      expect(sim.stats).toEqual({
        requests: 6,
        mutations: 3,
        deploys: 0,
        deploysByService: {},
        byField: { projectCreate: 1, serviceCreate: 2, serviceDelete: 1, project: 1 },
      });
    });

    it("resetStats clears the same live object", async () => {
      const stats = sim.stats;
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      await graphqlData(
        `mutation { serviceInstanceRedeploy(serviceId: "${apiId}", environmentId: "${productionId}") }`,
      );
      expect(stats.deploys).toBe(2);

      sim.resetStats();
      expect(sim.stats).toBe(stats);
      expect(stats).toEqual({
        requests: 0,
        mutations: 0,
        deploys: 0,
        deploysByService: {},
        byField: {},
      });
      await graphqlData(`query { service(id: "${apiId}") { name } }`);
      expect(stats.byField).toEqual({ service: 1 });
    });
  });

  describe("out-of-band state edits", () => {
    it("are visible to the API", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      sim.resetStats();
      sim.state.setVariable(projectId, productionId, apiId, "DRIFT", "1");
      sim.state.updateServiceInstance(productionId, apiId, { numReplicas: 4 });
      expect(sim.state.findService(projectId, "api")?.id).toBe(apiId);

      expect(await readVariables(projectId, productionId, apiId)).toEqual({ DRIFT: "1" });
      const data = await graphqlData<{ serviceInstance: { numReplicas: number } }>(
        `query { serviceInstance(environmentId: "${productionId}", serviceId: "${apiId}") { numReplicas } }`,
      );
      expect(data.serviceInstance.numReplicas).toBe(4);

      expect(sim.state.deleteVariable(projectId, productionId, apiId, "DRIFT")).toBe(true);
      expect(await readVariables(projectId, productionId, apiId)).toEqual({});
      expect(sim.stats.deploys).toBe(0);
    });
  });

  /** The parts of an environment config these tests read. */
  interface ConfigJson {
    services: Record<
      string,
      {
        variables: Record<string, { value: string }>;
        deploy?: unknown;
        build?: unknown;
        networking?: unknown;
        volumeMounts?: unknown;
      } & Record<string, unknown>
    >;
    volumes: Record<string, unknown>;
  }

  describe("environment config, staged patches and deploys", () => {
    const stage = `mutation ($e: String!, $input: EnvironmentConfig!) { environmentStageChanges(environmentId: $e, input: $input, merge: true) { id status } }`;
    const commit = `mutation ($e: String!, $skip: Boolean) { environmentPatchCommitStaged(environmentId: $e, skipDeploys: $skip) }`;
    const readConfig = async (environmentId: string, decrypt = true) =>
      (
        await graphqlData<{ environment: { config: ConfigJson; unmergedChangesCount: number } }>(
          `query ($id: String!, $d: Boolean) { environment(id: $id) { config(decryptVariables: $d) unmergedChangesCount } }`,
          { id: environmentId, d: decrypt },
        )
      ).environment;

    it("applies a whole service patch in one commit and deploys that service once, recording the config it ran with", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api", { source: null });
      const volume = await graphqlData<{ volumeCreate: { id: string } }>(
        `mutation { volumeCreate(input: { projectId: "${projectId}", environmentId: "${productionId}", serviceId: "${apiId}", mountPath: "/data" }) { id } }`,
      );
      expect(sim.stats.deploys).toBe(0);
      const patch = {
        services: {
          [apiId]: {
            source: { repo: "acme/api", branch: "release", rootDirectory: "backend" },
            build: { builder: "NIXPACKS" },
            deploy: {
              startCommand: "npm start",
              limitOverride: { containers: { memoryBytes: 1_000_000_000, cpu: 2 } },
            },
            variables: { A: { value: "1" }, DB: { value: "${{missing.URL}}" } },
            volumeMounts: { [volume.volumeCreate.id]: { mountPath: "/var/data" } },
          },
        },
      };
      await graphqlData(stage, { e: productionId, input: patch });
      expect((await readConfig(productionId)).unmergedChangesCount).toBe(1);
      await graphqlData(commit, { e: productionId, skip: false });

      const config = await readConfig(productionId);
      expect(config.unmergedChangesCount).toBe(0);
      expect(config.config.services[apiId]).toEqual({
        source: { repo: "acme/api", branch: "release", rootDirectory: "backend" },
        build: { builder: "NIXPACKS" },
        deploy: expect.objectContaining({
          startCommand: "npm start",
          limitOverride: { containers: { memoryBytes: 1_000_000_000, cpu: 2 } },
        }),
        variables: { A: { value: "1" }, DB: { value: "${{missing.URL}}" } },
        volumeMounts: { [volume.volumeCreate.id]: { mountPath: "/var/data" } },
      });
      expect(
        (await readConfig(productionId, false)).config.services[apiId]?.variables.A?.value,
      ).toBe("*******");
      const deployments = [...sim.state.deployments.values()];
      expect(deployments).toHaveLength(1);
      expect(deployments[0]?.config).toMatchObject({
        source: { repo: "acme/api", branch: "release", rootDirectory: "backend" },
        deploy: { startCommand: "npm start" },
        variables: { A: "1" },
        renderedVariables: { A: "1", DB: "" },
        volumeMounts: { [volume.volumeCreate.id]: "/var/data" },
      });

      // Nothing changed: a commit of the same values deploys nothing; skipDeploys deploys nothing either.
      await graphqlData(stage, {
        e: productionId,
        input: { services: { [apiId]: { variables: { A: { value: "1" } } } } },
      });
      await graphqlData(commit, { e: productionId, skip: false });
      await graphqlData(stage, {
        e: productionId,
        input: { services: { [apiId]: { variables: { A: null } } } },
      });
      await graphqlData(commit, { e: productionId, skip: true });
      expect(sim.stats.deploys).toBe(1);
      expect(sim.state.getVariables(productionId, apiId)).toEqual({ DB: "${{missing.URL}}" });
    });

    it("adds a service to an environment with isCreated and removes it, and a volume instance, with isDeleted, there only", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      const stagingId = await createEnvironment(projectId, "staging");
      const volume = await graphqlData<{ volumeCreate: { id: string } }>(
        `mutation { volumeCreate(input: { projectId: "${projectId}", serviceId: "${apiId}", mountPath: "/data" }) { id } }`,
      );
      sim.resetStats();

      await graphqlData(stage, {
        e: stagingId,
        input: { services: { [apiId]: { variables: { A: { value: "1" } } } } },
      });
      expect(await graphqlError(commit, { e: stagingId })).toBe(
        'Service "api" has no instance in environment "staging"',
      );
      await graphqlData(stage, {
        e: stagingId,
        input: { services: { [apiId]: { isCreated: true, source: { image: "nginx:1.27" } } } },
      });
      await graphqlData(commit, { e: stagingId });
      expect(await environmentServiceNames(stagingId)).toEqual(["api"]);
      expect(sim.stats.deploysByService).toEqual({ [apiId]: 1 });
      expect([...sim.state.deployments.values()].at(-1)).toMatchObject({
        environmentId: stagingId,
        config: { source: { image: "nginx:1.27" } },
      });

      await graphqlData(stage, {
        e: stagingId,
        input: {
          services: { [apiId]: { isDeleted: true } },
          volumes: { [volume.volumeCreate.id]: { isDeleted: true } },
        },
      });
      await graphqlData(commit, { e: stagingId, skip: true });
      expect(await environmentServiceNames(stagingId)).toEqual([]);
      expect(await environmentServiceNames(productionId)).toEqual(["api"]);
      expect(Object.keys((await readConfig(stagingId)).config.volumes)).toEqual([]);
      expect(Object.keys((await readConfig(productionId)).config.volumes)).toEqual([
        volume.volumeCreate.id,
      ]);
    });

    it("answers a commit with nothing staged with an error", async () => {
      const { productionId } = await createProject();
      expect(
        await graphqlError(
          `mutation { environmentPatchCommitStaged(environmentId: "${productionId}") }`,
        ),
      ).toBe("No staged changes to commit");
    });

    it("serviceDelete with a non-fork environment still deletes the service everywhere; with a fork, there only", async () => {
      const { projectId, productionId } = await createProject();
      const previewId = await createEnvironment(projectId, "pr-1", { ephemeral: true });
      const apiId = await createService(projectId, "api");
      const previewOnly = await createService(projectId, "preview", { environmentId: previewId });
      await graphqlData(
        `mutation { serviceDelete(id: "${previewOnly}", environmentId: "${previewId}") }`,
      );
      expect(sim.state.services.get(previewOnly)?.deletedAt).toBeNull();
      await graphqlData(
        `mutation { serviceDelete(id: "${apiId}", environmentId: "${productionId}") }`,
      );
      expect(sim.state.services.get(apiId)?.deletedAt).not.toBeNull();
    });
  });

  describe("eventual consistency and deploy progress", () => {
    it("hides a new service's instances for a read, and shows a deployment's progress over reads", async () => {
      const lagged = await startRailwaySimulator({
        instanceVisibilityLag: 1,
        deployPolls: 2,
        deployVisibilityLag: 1,
      });
      try {
        const request = async (query: string) =>
          (await (
            await fetch(lagged.url, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                authorization: `Bearer ${lagged.token}`,
              },
              body: JSON.stringify({ query }),
            })
          ).json()) as GraphQLBody;
        type Created = {
          projectCreate: { id: string; environments: { edges: Array<{ node: { id: string } }> } };
        };
        const project = (
          await request(
            `mutation { projectCreate(input: { name: "p" }) { id environments { edges { node { id } } } } }`,
          )
        ).data as Created;
        const projectId = project.projectCreate.id;
        const environmentId = project.projectCreate.environments.edges[0]?.node.id ?? "";
        const created = (
          await request(
            `mutation { serviceCreate(input: { projectId: "${projectId}", environmentId: "${environmentId}", name: "api", source: { image: "nginx:1.27" } }) { id } }`,
          )
        ).data as { serviceCreate: { id: string } };
        const read = `query { serviceInstance(environmentId: "${environmentId}", serviceId: "${created.serviceCreate.id}") { latestDeployment { id status } } }`;
        expect((await request(read)).errors?.[0]?.message).toBe("ServiceInstance not found");
        const statuses = [];
        for (let i = 0; i < 4; i++)
          statuses.push(
            ((await request(read)).data as { serviceInstance: { latestDeployment: unknown } })
              .serviceInstance.latestDeployment,
          );
        expect(statuses).toEqual([
          null,
          { id: "dep-1", status: "DEPLOYING" },
          { id: "dep-1", status: "SUCCESS" },
          { id: "dep-1", status: "SUCCESS" },
        ]);
      } finally {
        await lagged.close();
      }
    });
  });

  describe("read-back of Railway's defaults", () => {
    const readEntry = async (environmentId: string, serviceId: string) =>
      (
        await graphqlData<{ environment: { config: ConfigJson } }>(
          `query { environment(id: "${environmentId}") { config(decryptVariables: true) } }`,
        )
      ).environment.config.services[serviceId];

    it("leaves defaults out of environment.config (cli#1184) while ServiceInstance still reports them; non-defaults round-trip", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      sim.state.updateServiceInstance(productionId, apiId, {
        restartPolicyType: "ON_FAILURE",
        restartPolicyMaxRetries: 10,
        numReplicas: 1,
        sleepApplication: false,
        builder: "RAILPACK",
      });
      const entry = await readEntry(productionId, apiId);
      expect(entry?.deploy).toEqual({});
      expect(entry?.build).toEqual({});
      const instance = await graphqlData<{ serviceInstance: Record<string, unknown> }>(
        `query { serviceInstance(environmentId: "${productionId}", serviceId: "${apiId}") { restartPolicyType restartPolicyMaxRetries numReplicas sleepApplication builder } }`,
      );
      expect(instance.serviceInstance).toEqual({
        restartPolicyType: "ON_FAILURE",
        restartPolicyMaxRetries: 10,
        numReplicas: 1,
        sleepApplication: false,
        builder: "RAILPACK",
      });

      sim.state.updateServiceInstance(productionId, apiId, {
        restartPolicyType: "NEVER",
        numReplicas: 2,
        sleepApplication: true,
        builder: "NIXPACKS",
      });
      const changed = await readEntry(productionId, apiId);
      expect(changed?.deploy).toEqual({
        restartPolicyType: "NEVER",
        numReplicas: 2,
        sleepApplication: true,
      });
      expect(changed?.build).toEqual({ builder: "NIXPACKS" });
    });

    it("a patch writing the defaults changes nothing stored, deploys nothing, and deployments record the full settings", async () => {
      const { projectId, productionId } = await createProject();
      const apiId = await createService(projectId, "api");
      sim.resetStats();
      const patch = {
        services: {
          [apiId]: { deploy: { restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 10 } },
        },
      };
      await graphqlData(
        `mutation ($e: String!, $p: EnvironmentConfig) { environmentPatchCommit(environmentId: $e, patch: $p) }`,
        { e: productionId, p: patch },
      );
      expect(sim.stats.deploys).toBe(0);
      expect((await readEntry(productionId, apiId))?.deploy).toEqual({});
      await graphqlData(
        `mutation { serviceInstanceRedeploy(environmentId: "${productionId}", serviceId: "${apiId}") }`,
      );
      expect([...sim.state.deployments.values()].at(-1)?.config.deploy).toMatchObject({
        restartPolicyType: "ON_FAILURE",
        restartPolicyMaxRetries: 10,
        numReplicas: 1,
      });
    });

    it("echoes every stored value with defaultsReadBackAsNull: false", async () => {
      const echoing = await startRailwaySimulator({
        instanceVisibilityLag: 0,
        deployPolls: 0,
        deployVisibilityLag: 0,
        defaultsReadBackAsNull: false,
      });
      try {
        const seeded = seedDashboardProduction(echoing);
        const services = environmentConfig(echoing.state, seeded.environmentId, true)
          .services as ConfigJson["services"];
        expect(services[seeded.serviceIds.redis]).toMatchObject({
          build: { builder: "RAILPACK" },
          deploy: {
            restartPolicyType: "ON_FAILURE",
            restartPolicyMaxRetries: 10,
            numReplicas: 1,
            sleepApplication: false,
          },
        });
      } finally {
        await echoing.close();
      }
    });
  });

  describe("TCP proxies", () => {
    const list = async (environmentId: string, serviceId: string) =>
      (
        await graphqlData<{ tcpProxies: Array<Record<string, unknown>> }>(
          `query { tcpProxies(environmentId: "${environmentId}", serviceId: "${serviceId}") { id applicationPort proxyPort domain environmentId serviceId syncStatus deletedAt } }`,
        )
      ).tcpProxies;
    const create = (environmentId: string, serviceId: string, applicationPort: number) =>
      `mutation { tcpProxyCreate(input: { environmentId: "${environmentId}", serviceId: "${serviceId}", applicationPort: ${applicationPort} }) { id applicationPort proxyPort domain syncStatus } }`;

    it("creates one per instance, lists it, shows it in the config's networking, and deletes it softly", async () => {
      const { projectId, productionId } = await createProject();
      const redisId = await createService(projectId, "Redis");
      expect(await list(productionId, redisId)).toEqual([]);

      const created = (
        await graphqlData<{ tcpProxyCreate: { id: string; proxyPort: number; domain: string } }>(
          create(productionId, redisId, 6379),
        )
      ).tcpProxyCreate;
      expect(created).toMatchObject({
        applicationPort: 6379,
        syncStatus: "ACTIVE",
        domain: expect.stringMatching(/\.proxy\.rlwy\.net$/),
      });
      expect(
        (await graphqlData<{ tcpProxyCreate: { id: string } }>(create(productionId, redisId, 6379)))
          .tcpProxyCreate.id,
      ).toBe(created.id);
      expect(await graphqlError(create(productionId, redisId, 6380))).toBe(
        "Only one TCP proxy is allowed per service instance",
      );
      expect(await graphqlError(create(productionId, redisId, 0))).toBe(
        "application_port must be a number from 1 to 65535",
      );
      expect(await list(productionId, redisId)).toEqual([
        {
          id: created.id,
          applicationPort: 6379,
          proxyPort: created.proxyPort,
          domain: created.domain,
          environmentId: productionId,
          serviceId: redisId,
          syncStatus: "ACTIVE",
          deletedAt: null,
        },
      ]);
      const config = await graphqlData<{ environment: { config: ConfigJson } }>(
        `query { environment(id: "${productionId}") { config } }`,
      );
      expect(config.environment.config.services[redisId]?.networking).toEqual({
        tcpProxies: { "6379": {} },
      });

      expect(await graphqlData(`mutation { tcpProxyDelete(id: "${created.id}") }`)).toEqual({
        tcpProxyDelete: true,
      });
      expect(await list(productionId, redisId)).toEqual([
        expect.objectContaining({
          id: created.id,
          syncStatus: "DELETING",
          deletedAt: expect.any(String),
        }),
      ]);
      expect(await graphqlError(`mutation { tcpProxyDelete(id: "${created.id}") }`)).toBe(
        "TCP proxy not found",
      );
      const after = await graphqlData<{ environment: { config: ConfigJson } }>(
        `query { environment(id: "${productionId}") { config } }`,
      );
      expect(after.environment.config.services[redisId]?.networking).toBeUndefined();
    });
  });

  describe("config as code", () => {
    it("reports an instance's railwayConfigFile", async () => {
      const { projectId, productionId } = await createProject();
      const webId = await createService(projectId, "web");
      const read = `query { serviceInstance(environmentId: "${productionId}", serviceId: "${webId}") { railwayConfigFile } }`;
      expect(await graphqlData(read)).toEqual({ serviceInstance: { railwayConfigFile: null } });
      sim.state.updateServiceInstance(productionId, webId, {
        railwayConfigFile: "/frontend/railway.json",
      });
      expect(await graphqlData(read)).toEqual({
        serviceInstance: { railwayConfigFile: "/frontend/railway.json" },
      });
    });
  });

  describe("dashboard-made production seed", () => {
    interface InstanceRead {
      serviceName: string;
      rootDirectory: string | null;
      railwayConfigFile: string | null;
      cronSchedule: string | null;
      source: { image: string | null; repo: string | null } | null;
      latestDeployment: { status: string } | null;
    }
    const projectsNamed = async (name: string) =>
      (
        await graphqlData<{ projects: { edges: Array<{ node: { id: string; name: string } }> } }>(
          `query { projects { edges { node { id name } } } }`,
        )
      ).projects.edges
        .map((edge) => edge.node)
        .filter((project) => project.name === name);
    const instances = async (environmentId: string) =>
      (
        await graphqlData<{
          environment: { serviceInstances: { edges: Array<{ node: InstanceRead }> } };
        }>(
          `query { environment(id: "${environmentId}") { serviceInstances { edges { node { serviceName rootDirectory railwayConfigFile cronSchedule source { image repo } latestDeployment { status } } } } } }`,
        )
      ).environment.serviceInstances.edges.map((edge) => edge.node);

    it("builds the live app and backups projects, readable through the API, without counting a request or deploy", async () => {
      const seeded = seedDashboardProduction(sim);
      expect(sim.stats).toMatchObject({ requests: 0, mutations: 0, deploys: 0 });
      expect(await projectsNamed("client-fulfillment-v2")).toEqual([
        { id: seeded.projectId, name: "client-fulfillment-v2" },
      ]);
      expect(await projectsNamed("client-fulfillment-backups")).toEqual([
        { id: seeded.backups.projectId, name: "client-fulfillment-backups" },
      ]);

      const app = Object.fromEntries(
        (await instances(seeded.environmentId)).map((instance) => [instance.serviceName, instance]),
      );
      expect(Object.keys(app).sort()).toEqual(["Redis", "backend", "crawl4ai", "frontend"]);
      expect(app.Redis).toMatchObject({
        source: { image: "redis:8.2.1", repo: null },
        latestDeployment: { status: "SUCCESS" },
      });
      expect(app.crawl4ai).toMatchObject({
        source: { image: "unclecode/crawl4ai:0.9.2" },
        latestDeployment: { status: "SUCCESS" },
      });
      expect(app.backend).toMatchObject({
        rootDirectory: "/backend",
        railwayConfigFile: null,
        source: { repo: "client-fulfillment/client-fulfillment-v2" },
        latestDeployment: { status: "SUCCESS" },
      });
      expect(app.frontend).toMatchObject({
        rootDirectory: "/frontend",
        railwayConfigFile: "/frontend/railway.json",
        latestDeployment: { status: "SUCCESS" },
      });
      const [backupJob] = await instances(seeded.backups.environmentId);
      expect(backupJob).toMatchObject({
        serviceName: "postgres-s3-backups",
        cronSchedule: "0 */6 * * *",
        source: { repo: "railwayapp-templates/postgres-s3-backups" },
        latestDeployment: { status: "SUCCESS" },
      });

      const config = (
        await graphqlData<{ environment: { config: ConfigJson; unmergedChangesCount: number } }>(
          `query { environment(id: "${seeded.environmentId}") { config(decryptVariables: true) unmergedChangesCount } }`,
        )
      ).environment;
      expect(config.unmergedChangesCount).toBe(0);
      const redis = config.config.services[seeded.serviceIds.redis];
      expect(redis?.deploy).toEqual({
        startCommand: expect.stringContaining("--requirepass $REDIS_PASSWORD"),
      });
      expect(redis?.volumeMounts).toEqual({ [seeded.redisVolumeId]: { mountPath: "/data" } });
      expect(redis?.networking).toEqual({ tcpProxies: { "6379": {} } });
      expect(Object.keys(redis?.variables ?? {}).sort()).toEqual([
        "REDISHOST",
        "REDISPASSWORD",
        "REDISPORT",
        "REDISUSER",
        "REDIS_PASSWORD",
        "REDIS_PUBLIC_URL",
        "REDIS_URL",
      ]);
      expect(redis?.variables.REDIS_PASSWORD?.value).toBe(seeded.secrets.redisPassword);
      expect(
        config.config.services[seeded.serviceIds.crawl4ai]?.variables.CRAWL4AI_API_TOKEN?.value,
      ).toBe(seeded.secrets.crawl4aiApiToken);
      const backend = config.config.services[seeded.serviceIds.backend];
      expect(backend?.deploy).toEqual({ healthcheckPath: "/health" });
      expect(backend?.variables).toMatchObject({
        REDIS_URL: { value: "${{Redis.REDIS_URL}}" },
        SENTRY_DSN: { value: expect.any(String) },
        LOG_LEVEL: { value: "info" },
        DATABASE_URL: { value: expect.any(String) },
      });
      expect(
        sim.state
          .findTcpProxies(seeded.environmentId, seeded.serviceIds.redis)
          .map((proxy) => proxy.id),
      ).toEqual([seeded.redisTcpProxyId]);
      expect(
        sim.state.findServiceDomains(seeded.environmentId, seeded.serviceIds.backend),
      ).toHaveLength(1);
      expect(
        sim.state.findDeploymentTriggers(seeded.environmentId, seeded.serviceIds.frontend),
      ).toMatchObject([{ branch: "main", repository: "client-fulfillment/client-fulfillment-v2" }]);
    });

    it("varies names, hand-set variables, the TCP proxy and config file, and adds a staged edit and a second project of the same name", async () => {
      const seeded = seedDashboardProduction(sim, {
        serviceNames: { backend: "Backend", redis: "redis" },
        handSetVariables: { frontend: { ANALYTICS_ID: "G-123" } },
        redisTcpProxy: false,
        frontendConfigFile: null,
        pendingStagedEdit: true,
        duplicateProject: true,
      });
      expect(seeded.serviceNames).toMatchObject({
        backend: "Backend",
        redis: "redis",
        frontend: "frontend",
      });
      const names = (await instances(seeded.environmentId))
        .map((instance) => instance.serviceName)
        .sort();
      expect(names).toEqual(["Backend", "crawl4ai", "frontend", "redis"]);
      expect(
        sim.state.getVariables(seeded.environmentId, seeded.serviceIds.backend),
      ).not.toHaveProperty("SENTRY_DSN");
      expect(
        sim.state.getVariables(seeded.environmentId, seeded.serviceIds.backend).REDIS_URL,
      ).toBe("${{redis.REDIS_URL}}");
      expect(
        sim.state.getVariables(seeded.environmentId, seeded.serviceIds.frontend),
      ).toMatchObject({
        ANALYTICS_ID: "G-123",
        NEXT_PUBLIC_API_URL: "https://${{Backend.RAILWAY_PUBLIC_DOMAIN}}",
      });
      expect(seeded.redisTcpProxyId).toBeNull();
      expect(sim.state.findTcpProxies(seeded.environmentId, seeded.serviceIds.redis)).toEqual([]);
      expect(
        sim.state.findServiceInstance(seeded.environmentId, seeded.serviceIds.frontend)
          ?.railwayConfigFile,
      ).toBeNull();
      expect(sim.staged.unmergedChangesCount(seeded.environmentId)).toBe(1);
      expect((await projectsNamed("client-fulfillment-v2")).map((project) => project.id)).toEqual([
        seeded.projectId,
        seeded.duplicateProjectId,
      ]);
    });

    it("refuses a staged edit without the simulator's staged changes", () => {
      expect(() =>
        seedDashboardProduction({ state: sim.state }, { pendingStagedEdit: true }),
      ).toThrow(/pendingStagedEdit needs the simulator's `staged`/);
    });
  });

  describe("GraphQL error faults", () => {
    it("answer HTTP 200 with the error and its code, without executing", async () => {
      sim.injectFault({
        fault: { kind: "graphqlError", message: "Rate limit exceeded", code: "RATE_LIMITED" },
      });
      const response = await post(
        JSON.stringify({ query: `mutation { projectCreate(input: { name: "x" }) { id } }` }),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        data: null,
        errors: [{ message: "Rate limit exceeded", extensions: { code: "RATE_LIMITED" } }],
      });
      expect(sim.state.projects.size).toBe(0);
    });
  });

  describe("environment patches, deployment triggers and simulated build time", () => {
    type Seeded = { projectId: string; environmentId: string; serviceId: string };
    async function seeded(): Promise<Seeded> {
      type Created = {
        projectCreate: { id: string; environments: { edges: Array<{ node: { id: string } }> } };
      };
      const project = await graphqlData<Created>(
        `mutation { projectCreate(input: { name: "p" }) { id environments { edges { node { id } } } } }`,
      );
      const projectId = project.projectCreate.id;
      const environmentId = project.projectCreate.environments.edges[0]?.node.id ?? "";
      const service = await graphqlData<{ serviceCreate: { id: string } }>(
        `mutation { serviceCreate(input: { projectId: "${projectId}", name: "api" }) { id } }`,
      );
      return { projectId, environmentId, serviceId: service.serviceCreate.id };
    }
    const stageAndCommit = async (
      { environmentId, serviceId }: Seeded,
      source: Record<string, string>,
    ) => {
      const staged = await graphqlData<{ environmentStageChanges: { id: string; status: string } }>(
        `mutation($environmentId: String!, $input: EnvironmentConfig!) { environmentStageChanges(environmentId: $environmentId, input: $input, merge: true) { id status } }`,
        { environmentId, input: { services: { [serviceId]: { source } } } },
      );
      expect(staged.environmentStageChanges.status).toBe("STAGED");
      await graphqlData(
        `mutation { environmentPatchCommitStaged(environmentId: "${environmentId}", skipDeploys: false) }`,
      );
      return staged.environmentStageChanges.id;
    };
    const patchStatus = async (id: string) =>
      (
        await graphqlData<{
          environmentPatch: { status: string; lastAppliedError: string | null };
        }>(`query { environmentPatch(id: "${id}") { status lastAppliedError } }`)
      ).environmentPatch;
    const triggers = async ({ projectId, environmentId, serviceId }: Seeded) =>
      (
        await graphqlData<{
          deploymentTriggers: { edges: Array<{ node: { repository: string; branch: string } }> };
        }>(
          `query { deploymentTriggers(projectId: "${projectId}", environmentId: "${environmentId}", serviceId: "${serviceId}") { edges { node { repository branch } } } }`,
        )
      ).deploymentTriggers.edges.map((edge) => edge.node);

    it("follows a committed patch from APPLYING to COMMITTED, and makes the repository's branch trigger", async () => {
      const ids = await seeded();
      const patchId = await stageAndCommit(ids, { repo: "acme/app", branch: "staging" });
      expect(await patchStatus(patchId)).toEqual({ status: "APPLYING", lastAppliedError: null });
      expect(await patchStatus(patchId)).toEqual({ status: "COMMITTED", lastAppliedError: null });
      expect(await triggers(ids)).toEqual([{ repository: "acme/app", branch: "staging" }]);
      await stageAndCommit(ids, { repo: null as unknown as string, image: "nginx:1.27" });
      expect(await triggers(ids)).toEqual([]);
    });

    it("keeps a patch staged with lastAppliedError when the GitHub app cannot read the repository", async () => {
      const ids = await seeded();
      sim.state.reposWithoutAppAccess.add("acme/private");
      const patchId = await stageAndCommit(ids, { repo: "acme/private", branch: "main" });
      expect(await patchStatus(patchId)).toEqual({
        status: "STAGED",
        lastAppliedError: expect.stringContaining("acme/private"),
      });
      expect(sim.staged.unmergedChangesCount(ids.environmentId)).toBe(1);
      expect(sim.stats.deploys).toBe(0);
      expect(await triggers(ids)).toEqual([]);
    });

    it("lists deployments with createdAt, and runs a build of simulated seconds over the provider's backoff reads", async () => {
      const ids = await seeded();
      sim.state.deploySimulatedSeconds = 30;
      await stageAndCommit(ids, { image: "nginx:1.27" });
      const read = async () =>
        (
          await graphqlData<{
            deployments: { edges: Array<{ node: { status: string; createdAt: string } }> };
          }>(
            `query { deployments(input: { environmentId: "${ids.environmentId}", serviceId: "${ids.serviceId}" }, first: 5) { edges { node { status createdAt } } } }`,
          )
        ).deployments.edges[0]?.node;
      const seen = [];
      // Reads taken at 0, 2, 6, 14, 29, 44 simulated seconds: building until 20 s, deploying until 30 s.
      for (let i = 0; i < 6; i++) seen.push((await read())?.status);
      expect(seen).toEqual([
        "BUILDING",
        "BUILDING",
        "BUILDING",
        "BUILDING",
        "DEPLOYING",
        "SUCCESS",
      ]);
      expect(Date.parse((await read())?.createdAt ?? "")).not.toBeNaN();
    });

    it("ends a deployment on a forced hand-off status", async () => {
      const ids = await seeded();
      sim.state.deployOutcomes.set(ids.serviceId, "WAITING");
      await stageAndCommit(ids, { image: "nginx:1.27" });
      expect([...sim.state.deployments.values()].at(-1)?.status).toBe("WAITING");
    });
  });
});
