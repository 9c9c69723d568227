import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { EnvironmentProvider } from "../../src/railway/environment";
import { ProjectProvider } from "../../src/railway/project";
import { PROVIDER_VERSION } from "../../src/railway/provider";
import { ServiceProvider } from "../../src/railway/service";
import { ServiceConfig, ServiceConfigProvider } from "../../src/railway/service-config";
import { ServiceDomainProvider } from "../../src/railway/service-domain";
import { UsageLimitProvider } from "../../src/railway/usage-limit";
import { VolumeProvider } from "../../src/railway/volume";
import { configRequest, railwaySchema, startHarness } from "../../test-support/railway-harness";

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const providers = [
  ProjectProvider,
  EnvironmentProvider,
  ServiceProvider,
  ServiceConfigProvider,
  VolumeProvider,
  ServiceDomainProvider,
  UsageLimitProvider,
];

describe("dynamic provider serialization", () => {
  it.each(providers.map((P) => [P.name, P] as const))(
    "%s serializes without capturing the token",
    async (_name, Provider) => {
      process.env.RAILWAY_API_TOKEN = "token-that-must-not-leak";
      try {
        const provider = new Provider();
        const serialized = await pulumi.runtime.serializeFunction(() => provider);
        expect(serialized.text).toContain("exports.handler");
        expect(serialized.text).not.toContain("token-that-must-not-leak");
      } finally {
        delete process.env.RAILWAY_API_TOKEN;
      }
    },
  );
});

describe("the ServiceConfig resource on Pulumi's mock runtime", () => {
  it("registers its provider as code, plain variables as plain and secret variables as secret", async () => {
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
    const config = new ServiceConfig("backend-config", {
      projectId: "prj-1",
      environmentId: "env-1",
      serviceId: "svc-1",
      serviceName: "backend",
      source: { repo: "acme/app", branch: "main" },
      variables: { ENVIRONMENT: "production" },
      secretVariables: { DATABASE_URL: "postgresql+asyncpg://u:p@h/db" },
    });
    await new Promise((resolve) => config.urn.apply(resolve));
    const inputs = registered.find((r) => r.name === "backend-config")?.inputs as Record<
      string,
      unknown
    >;
    expect(registered[0]?.type).toBe("pulumi-nodejs:dynamic/railway:ServiceConfig");
    expect(typeof inputs.__provider).toBe("string");
    expect(inputs.variables).toEqual({ ENVIRONMENT: "production" });
    expect(inputs.secretVariables).toMatchObject({ [SECRET_SIGNATURE]: expect.any(String) });
  });
});

describe.skipIf(!railwaySchema())(
  "a deserialized provider, as the dynamic provider host loads it",
  () => {
    it("validates and creates against the simulator", async () => {
      const harness = await startHarness();
      try {
        const load = async <P>(make: () => P): Promise<P> => {
          const serialized = await pulumi.runtime.serializeFunction(make);
          const module = { exports: {} as { handler: () => P } };
          new Function("module", "exports", "require", serialized.text)(
            module,
            module.exports,
            createRequire(`${process.cwd()}/index.js`),
          );
          return module.exports.handler();
        };
        const configs = await load(() => new ServiceConfigProvider());
        const check = await configs.check({} as never, {
          projectId: "p",
          environmentId: "e",
          serviceId: "s",
          serviceName: "backend",
          source: { image: "app:1" },
          variables: { "1BAD": "x", GOOD: "y" },
          providerVersion: PROVIDER_VERSION,
        });
        expect(check.failures?.map((f) => f.property)).toEqual(["variables.1BAD"]);

        const provider = await load(() => new ProjectProvider());
        await provider.configure(
          configRequest({
            "railway:token": harness.sim.token,
            "railway:endpoint": harness.sim.url,
          }),
        );
        const result = await provider.create({
          name: "p",
          workspaceId: harness.sim.workspaceId,
          defaultEnvironmentName: "production",
          providerVersion: PROVIDER_VERSION,
        });
        expect(harness.sim.state.projects.get(result.id)?.name).toBe("p");
      } finally {
        await harness.close();
      }
    });
  },
);
