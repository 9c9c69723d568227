/**
 * ServiceConfig's `check`: one bad input per case against a valid backend, as pulumi-policy-aws
 * does, so each rule is seen failing on its own and the valid neighbours seen passing. No
 * simulator: `check` sends nothing.
 */
import { describe, expect, it } from "vitest";
import { ServiceConfigProvider, type ServiceConfigInputs } from "../../src/railway/service-config";

const valid = (overrides: Partial<ServiceConfigInputs> = {}): ServiceConfigInputs => ({
  projectId: "prj",
  environmentId: "env",
  serviceId: "svc",
  serviceName: "backend",
  source: { repo: "acme/app", branch: "main", rootDirectory: "backend" },
  build: { builder: "RAILPACK", watchPatterns: ["/backend/**"] },
  deploy: {
    startCommand: "uvicorn app:app",
    preDeployCommand: ["alembic upgrade head"],
    healthcheckPath: "/health",
    healthcheckTimeout: 300,
    restartPolicyType: "ON_FAILURE",
    restartPolicyMaxRetries: 0,
    numReplicas: 1,
  },
  limits: { memoryGB: 0.5, vCPUs: 1 },
  variables: { ENVIRONMENT: "production", _PRIVATE: "1" },
  secretVariables: { DATABASE_URL: "postgresql://u:p@h/db", REDIS_PASSWORD: "generated" },
  preservedVariables: { REDIS_PASSWORD: "" },
  volumeMounts: { "vol-1": "/data" },
  deployTimeoutSeconds: 0.5,
  providerVersion: "test",
  ...overrides,
});

const failuresOf = async (inputs: ServiceConfigInputs) =>
  (await new ServiceConfigProvider().check(valid(), inputs)).failures ?? [];
const propertiesOf = async (inputs: ServiceConfigInputs) =>
  (await failuresOf(inputs)).map((failure) => failure.property);
const deploy = (overrides: Partial<NonNullable<ServiceConfigInputs["deploy"]>>) => ({
  deploy: { ...valid().deploy, ...overrides },
});

describe("ServiceConfig check", () => {
  it("accepts a valid backend, a valid image service and a cron job", async () => {
    expect(await failuresOf(valid())).toEqual([]);
    expect(
      await failuresOf(
        valid({
          source: { image: "redis:8.2.1" },
          build: undefined,
          deploy: undefined,
          limits: undefined,
        }),
      ),
    ).toEqual([]);
    expect(await failuresOf(valid(deploy({ cronSchedule: " 0 */6 * * * " })))).toEqual([]);
    expect(await failuresOf(valid(deploy({ cronSchedule: "0  */6 * * *" })))).toEqual([]);
  });

  it.each([
    ["no project id", { projectId: "" }, ["projectId"]],
    ["a blank service name", { serviceName: "  " }, ["serviceName"]],
    ["no service name", { serviceName: undefined as never }, ["serviceName"]],
    ["no source", { source: undefined as never }, ["source"]],
    ["neither image nor repo", { source: {} }, ["source"]],
    [
      "both image and repo (the branch then goes with neither)",
      { source: { image: "redis", repo: "acme/app", branch: "main" } },
      ["source", "source"],
    ],
    [
      "a repo that is not owner/name",
      { source: { repo: "acme", branch: "main" } },
      ["source.repo"],
    ],
    [
      "a repo with a trailing path",
      { source: { repo: "acme/app/extra", branch: "main" } },
      ["source.repo"],
    ],
    [
      "a repo with a leading path",
      { source: { repo: "x/acme/app", branch: "main" } },
      ["source.repo"],
    ],
    ["a repo without a branch", { source: { repo: "acme/app" } }, ["source.branch"]],
    [
      "a repo with a blank branch",
      { source: { repo: "acme/app", branch: " " } },
      ["source.branch"],
    ],
    ["an image with a branch", { source: { image: "redis", branch: "main" } }, ["source"]],
    [
      "an image with a root directory",
      { source: { image: "redis", rootDirectory: "backend" } },
      ["source"],
    ],
    ["an unknown builder", { build: { builder: "HEROKU" as never } }, ["build.builder"]],
    [
      "an unknown restart policy",
      deploy({ restartPolicyType: "SOMETIMES" as never }),
      ["deploy.restartPolicyType"],
    ],
    [
      "a relative health check path",
      deploy({ healthcheckPath: "health/" }),
      ["deploy.healthcheckPath"],
    ],
    [
      "a cron schedule of four fields",
      deploy({ cronSchedule: "0 */6 * *" }),
      ["deploy.cronSchedule"],
    ],
    [
      "a cron schedule of six fields",
      deploy({ cronSchedule: "0 0 */6 * * *" }),
      ["deploy.cronSchedule"],
    ],
    ["no replicas", deploy({ numReplicas: 0 }), ["deploy.numReplicas"]],
    ["half a replica", deploy({ numReplicas: 1.5 }), ["deploy.numReplicas"]],
    [
      "a zero health check timeout",
      deploy({ healthcheckTimeout: 0 }),
      ["deploy.healthcheckTimeout"],
    ],
    [
      "a negative restart retry count",
      deploy({ restartPolicyMaxRetries: -1 }),
      ["deploy.restartPolicyMaxRetries"],
    ],
    [
      "a fractional restart retry count",
      deploy({ restartPolicyMaxRetries: 2.5 }),
      ["deploy.restartPolicyMaxRetries"],
    ],
    ["no memory", { limits: { memoryGB: 0 } }, ["limits.memoryGB"]],
    ["negative vCPUs", { limits: { vCPUs: -1 } }, ["limits.vCPUs"]],
    ["memory given as text", { limits: { memoryGB: "2" as never } }, ["limits.memoryGB"]],
    ["a variable name starting with a digit", { variables: { "1BAD": "x" } }, ["variables.1BAD"]],
    ["a variable name with a dash", { variables: { "BAD-NAME": "x" } }, ["variables.BAD-NAME"]],
    ["a variable name with a dot at the end", { variables: { "BAD.": "x" } }, ["variables.BAD."]],
    [
      "a one-letter variable name followed by a dash",
      { variables: { "A-": "x" } },
      ["variables.A-"],
    ],
    [
      "a secret name with a space",
      { secretVariables: { ...valid().secretVariables, "MY SECRET": "x" } },
      ["secretVariables.MY SECRET"],
    ],
    [
      "a variable value that is not text",
      { variables: { PORT: 8000 as never } },
      ["variables.PORT"],
    ],
    [
      "a secret value that is not text",
      { secretVariables: { ...valid().secretVariables, TOKEN: null as never } },
      ["secretVariables.TOKEN"],
    ],
    [
      "a name both plain and secret",
      { variables: { DATABASE_URL: "x" } },
      ["secretVariables.DATABASE_URL"],
    ],
    ["a relative mount path", { volumeMounts: { "vol-1": "data/" } }, ["volumeMounts.vol-1"]],
    [
      "a mount path that is not text",
      { volumeMounts: { "vol-1": 1 as never } },
      ["volumeMounts.vol-1"],
    ],
    [
      "watch patterns that are not a list",
      { build: { watchPatterns: "/backend/**" as never } },
      ["build.watchPatterns"],
    ],
    [
      "a blank watch pattern",
      { build: { watchPatterns: ["/backend/**", " "] } },
      ["build.watchPatterns"],
    ],
    [
      "a pre-deploy command that is not text",
      deploy({ preDeployCommand: ["alembic", 1 as never] }),
      ["deploy.preDeployCommand"],
    ],
    [
      "an empty pre-deploy command",
      deploy({ preDeployCommand: [""] }),
      ["deploy.preDeployCommand"],
    ],
    [
      "a preserved name that is not a secret",
      { preservedVariables: { ENVIRONMENT: "" } },
      ["preservedVariables.ENVIRONMENT"],
    ],
    [
      "a preserved name with no secrets at all",
      { secretVariables: undefined, preservedVariables: { REDIS_PASSWORD: "" } },
      ["preservedVariables.REDIS_PASSWORD"],
    ],
    ["a zero deploy timeout", { deployTimeoutSeconds: 0 }, ["deployTimeoutSeconds"]],
    ["a negative deploy timeout", { deployTimeoutSeconds: -5 }, ["deployTimeoutSeconds"]],
  ] as [string, Partial<ServiceConfigInputs>, string[]][])(
    "refuses %s",
    async (_case, overrides, properties) => {
      expect(await propertiesOf(valid(overrides))).toEqual(properties);
    },
  );

  it("says what to set, in each message", async () => {
    expect(await failuresOf(valid({ source: {} }))).toEqual([
      {
        property: "source",
        reason: 'set exactly one of source.image ("redis:8.2") or source.repo ("owner/name")',
      },
    ]);
    expect(await failuresOf(valid(deploy({ restartPolicyType: "SOMETIMES" as never })))).toEqual([
      { property: "deploy.restartPolicyType", reason: "one of ALWAYS, NEVER, ON_FAILURE" },
    ]);
    expect(await failuresOf(valid({ build: { builder: "HEROKU" as never } }))).toEqual([
      { property: "build.builder", reason: "one of NIXPACKS, RAILPACK, DOCKERFILE" },
    ]);
  });
});
