/**
 * Secret variables stay secret from the program to the state: the inputs are wrapped in
 * pulumi.secret, and the resource asks the engine to keep the output secret too
 * (`additionalSecretOutputs`), which Pulumi's mocks do not apply, so the option is read here.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect, it } from "vitest";
import { runProgramOffline } from "../../src/offline/mock-runtime";
import { ServiceConfig } from "../../src/railway/service-config";

it("a ServiceConfig's secret variables are secret inputs and a secret output", async () => {
  const seen: { name: string; secretOutputs: readonly string[] }[] = [];
  const plan = await runProgramOffline({
    stack: "production",
    config: {},
    serializeProviders: false,
    program: () => {
      pulumi.runtime.registerStackTransformation((args) => {
        if (args.type.endsWith("railway:ServiceConfig")) {
          seen.push({
            name: args.name,
            secretOutputs:
              (args.opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [],
          });
        }
        return undefined;
      });
      new ServiceConfig("api-config", {
        projectId: "p",
        environmentId: "e",
        serviceId: "s",
        serviceName: "api",
        source: { image: "nginx:1.27" },
        variables: { PLAIN: "visible" },
        secretVariables: { TOKEN: "s3cr3t" },
      });
      return {};
    },
  });
  expect(seen).toEqual([{ name: "api-config", secretOutputs: ["secretVariables"] }]);
  const resource = plan.resources.find((candidate) => candidate.name === "api-config")!;
  expect(resource.displayInputs).toMatchObject({
    secretVariables: "[secret]",
    variables: { PLAIN: "visible" },
  });
  expect(JSON.stringify(resource.displayInputs)).not.toContain("s3cr3t");
});
