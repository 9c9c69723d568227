import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { DeploymentTriggerProvider } from "../../src/railway/deployment-trigger";
import { EnvironmentProvider } from "../../src/railway/environment";
import { ProjectProvider } from "../../src/railway/project";
import { ServiceProvider } from "../../src/railway/service";
import { ServiceDomainProvider } from "../../src/railway/service-domain";
import { ServiceInstanceProvider } from "../../src/railway/service-instance";
import { Variables, VariablesProvider } from "../../src/railway/variables";
import { VolumeProvider } from "../../src/railway/volume";
import { configRequest, startHarness } from "../../test-support/railway-harness";

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const providers = [
  ProjectProvider,
  EnvironmentProvider,
  ServiceProvider,
  ServiceInstanceProvider,
  VariablesProvider,
  VolumeProvider,
  ServiceDomainProvider,
  DeploymentTriggerProvider,
];

describe("dynamic provider serialization", () => {
  it.each(providers.map((P) => [P.name, P] as const))("%s serializes without capturing the token", async (_name, Provider) => {
    process.env.RAILWAY_API_TOKEN = "token-that-must-not-leak";
    try {
      const provider = new Provider();
      const serialized = await pulumi.runtime.serializeFunction(() => provider);
      expect(serialized.text).toContain("exports.handler");
      expect(serialized.text).not.toContain("token-that-must-not-leak");
    } finally {
      delete process.env.RAILWAY_API_TOKEN;
    }
  });
});

describe("the Variables resource on Pulumi's mock runtime", () => {
  it("registers its provider as code and its values as secret", async () => {
    const registered: pulumi.runtime.MockResourceArgs[] = [];
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          registered.push(args);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: () => ({}),
      },
      "client-fulfillment-infra",
      "staging",
      false,
    );
    const variables = new Variables("backend-env", {
      projectId: "prj-1",
      environmentId: "env-1",
      serviceId: "svc-1",
      variables: { DATABASE_URL: "postgresql+asyncpg://u:p@h/db" },
    });
    await new Promise((resolve) => variables.urn.apply(resolve));
    const inputs = registered.find((r) => r.name === "backend-env")?.inputs as Record<string, unknown>;
    expect(registered[0]?.type).toBe("pulumi-nodejs:dynamic/railway:Variables");
    expect(typeof inputs.__provider).toBe("string");
    expect(inputs.variables).toMatchObject({ [SECRET_SIGNATURE]: expect.any(String) });
  });
});

describe("a deserialized provider, as the dynamic provider host loads it", () => {
  it("validates and creates against the simulator", async () => {
    const harness = await startHarness();
    try {
      const load = async <P>(make: () => P): Promise<P> => {
        const serialized = await pulumi.runtime.serializeFunction(make);
        const module = { exports: {} as { handler: () => P } };
        new Function("module", "exports", "require", serialized.text)(module, module.exports, createRequire(`${process.cwd()}/index.js`));
        return module.exports.handler();
      };
      const variables = await load(() => new VariablesProvider());
      const check = await variables.check({} as never, { projectId: "p", environmentId: "e", variables: { "1BAD": "x", GOOD: "y" }, providerVersion: "1" });
      expect(check.failures?.map((f) => f.property)).toEqual(["variables.1BAD"]);

      const provider = await load(() => new ProjectProvider());
      await provider.configure(configRequest({ "railway:token": harness.sim.token, "railway:endpoint": harness.sim.url }));
      const result = await provider.create({ name: "p", workspaceId: harness.sim.workspaceId, defaultEnvironmentName: "production", providerVersion: "1" });
      expect(harness.sim.state.projects.get(result.id)?.name).toBe("p");
    } finally {
      await harness.close();
    }
  });
});
