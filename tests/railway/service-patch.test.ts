import { describe, expect, it } from "vitest";
import type { LiveServiceEntry } from "../../src/railway/environment-config";
import {
  describePatch,
  keepsLiveValue,
  liveInputs,
  normalizedLeaf,
  patchNeedsDeploy,
  RAILWAY_DEFAULTS,
  sameLeaf,
  servicePatch,
  type ServiceConfigInputs,
} from "../../src/railway/service-patch";

/** What the backend declares, before a test changes one thing. */
const declared = (overrides: Partial<ServiceConfigInputs> = {}): ServiceConfigInputs => ({
  projectId: "p",
  environmentId: "e",
  serviceId: "s",
  serviceName: "backend",
  source: { repo: "acme/app", branch: "main", rootDirectory: "backend" },
  build: { watchPatterns: ["/backend/**"] },
  deploy: { healthcheckPath: "/health", restartPolicyType: "ON_FAILURE", restartPolicyMaxRetries: 10, preDeployCommand: ["alembic upgrade head"] },
  limits: { memoryGB: 2 },
  variables: { ENVIRONMENT: "production" },
  secretVariables: { DATABASE_URL: "postgresql+asyncpg://u:p@h/db" },
  providerVersion: "test",
  ...overrides,
});

/** Railway's read-back of that config: defaults omitted (railwayapp/cli#1184), the root directory as the docs write it. */
const readBack = (overrides: Partial<LiveServiceEntry> = {}): LiveServiceEntry => ({
  source: { repo: "acme/app", branch: "main", rootDirectory: "/backend" },
  build: { watchPatterns: ["/backend/**"] },
  deploy: { healthcheckPath: "/health", restartPolicyType: null, restartPolicyMaxRetries: null, preDeployCommand: ["alembic upgrade head"], limitOverride: { containers: { memoryBytes: 2_000_000_000 } } },
  variables: { ENVIRONMENT: { value: "production" }, DATABASE_URL: { value: "postgresql+asyncpg://u:p@h/db" } },
  ...overrides,
});

describe("Railway's defaults", () => {
  it("every default names its source", () => {
    for (const entry of RAILWAY_DEFAULTS) expect(entry.source.length, entry.path).toBeGreaterThan(10);
    expect(RAILWAY_DEFAULTS.map((entry) => entry.path)).toEqual(expect.arrayContaining(["deploy.restartPolicyType", "deploy.restartPolicyMaxRetries"]));
  });

  it.each([
    [["deploy", "restartPolicyType"], null, "ON_FAILURE"],
    [["deploy", "restartPolicyMaxRetries"], undefined, 10],
    [["deploy", "healthcheckTimeout"], null, 300],
    [["deploy", "numReplicas"], null, 1],
    [["deploy", "sleepApplication"], null, false],
    [["deploy", "startCommand"], "", null],
    [["source", "rootDirectory"], "/backend/", "backend"],
    [["source", "rootDirectory"], "/", null],
    [["build", "watchPatterns"], ["/b/**", "/a/**"], ["/a/**", "/b/**"]],
    [["build", "watchPatterns"], null, []],
  ] as const)("normalises %j = %j to %j", (path, value, expected) => {
    expect(normalizedLeaf(path, value)).toEqual(expected);
  });

  it("a non-default value is not a default", () => {
    expect(sameLeaf(["deploy", "restartPolicyType"], null, "NEVER")).toBe(false);
    expect(sameLeaf(["deploy", "restartPolicyMaxRetries"], 3, 10)).toBe(false);
    expect(sameLeaf(["source", "rootDirectory"], "/frontend", "backend")).toBe(false);
  });
});

describe("servicePatch", () => {
  it("is empty when Railway reads back the declared config with its defaults omitted", () => {
    expect(servicePatch(readBack(), declared())).toEqual({});
  });

  it.each([
    ["a restart policy Railway really holds", { deploy: { ...readBack().deploy, restartPolicyType: "NEVER" } }, { deploy: { restartPolicyType: "ON_FAILURE" } }],
    ["another root directory", { source: { repo: "acme/app", branch: "main", rootDirectory: "/frontend" } }, { source: { rootDirectory: "backend" } }],
    ["another branch", { source: { repo: "acme/app", branch: "staging", rootDirectory: "backend" } }, { source: { branch: "main" } }],
    ["other watch patterns", { build: { watchPatterns: ["/**"] } }, { build: { watchPatterns: ["/backend/**"] } }],
    ["no pre-deploy command", { deploy: { ...readBack().deploy, preDeployCommand: null } }, { deploy: { preDeployCommand: ["alembic upgrade head"] } }],
    ["another memory limit", { deploy: { ...readBack().deploy, limitOverride: { containers: { memoryBytes: 4_000_000_000 } } } }, { deploy: { limitOverride: { containers: { memoryBytes: 2_000_000_000 } } } }],
  ])("sends only what differs: %s", (_case, live, expected) => {
    expect(servicePatch(readBack(live as Partial<LiveServiceEntry>), declared())).toEqual(expected);
  });

  it("never touches a variable the stack does not declare", () => {
    const live = readBack({ variables: { ...readBack().variables, SENTRY_DSN: { value: "https://x" } } });
    expect(servicePatch(live, declared())).toEqual({});
  });

  it("removes what the last apply managed and this one no longer declares, unless Railway already has the default", () => {
    const olds = declared({ variables: { ENVIRONMENT: "production", OLD: "1" }, deploy: { ...declared().deploy, numReplicas: 2 } });
    const live = readBack({ variables: { ...readBack().variables, OLD: { value: "1" } }, deploy: { ...readBack().deploy, numReplicas: 2 } });
    expect(servicePatch(live, declared(), olds)).toEqual({ variables: { OLD: null }, deploy: { numReplicas: null } });
    expect(servicePatch(readBack(), declared(), olds)).toEqual({});
  });

  it("writes the source wholly: an image replaces a repo and clears branch and root directory", () => {
    const patch = servicePatch(readBack(), declared({ source: { image: "redis:8.2.1" } }));
    expect(patch.source).toEqual({ image: "redis:8.2.1", repo: null, branch: null, rootDirectory: null });
  });
});

describe("generated secrets", () => {
  const redis = (label = "", olds?: ServiceConfigInputs) => ({
    news: declared({ secretVariables: { REDIS_PASSWORD: "generated" }, preservedVariables: { REDIS_PASSWORD: label } }),
    olds,
  });
  const live = readBack({ variables: { ENVIRONMENT: { value: "production" }, REDIS_PASSWORD: { value: "live-password" } } });

  it("keeps a live value on adoption and on later runs", () => {
    const { news } = redis();
    expect(servicePatch(live, news)).toEqual({});
    expect(servicePatch(live, news, news)).toEqual({});
    expect(keepsLiveValue("REDIS_PASSWORD", live, news)).toBe(true);
  });

  it("writes the generated value when none exists live", () => {
    const { news } = redis();
    expect(servicePatch(readBack({ variables: { ENVIRONMENT: { value: "production" } } }), news)).toEqual({ variables: { REDIS_PASSWORD: { value: "generated" } } });
  });

  it("rotates only when the stack file's rotation label changes", () => {
    const before = redis("").news;
    const after = redis("2026-12-01").news;
    expect(servicePatch(live, after, before)).toEqual({ variables: { REDIS_PASSWORD: { value: "generated" } } });
    expect(servicePatch(live, after, after)).toEqual({});
  });

  it("a refresh records the declared value while one exists live, so the live secret never enters state", () => {
    const { news } = redis();
    expect(liveInputs(live, news).secretVariables).toEqual({ REDIS_PASSWORD: "generated" });
    expect(liveInputs(readBack({ variables: {} }), news).secretVariables).toEqual({});
  });
});

describe("liveInputs (refresh)", () => {
  it("records no change when Railway's read-back means the declared config", () => {
    const inputs = declared();
    expect(liveInputs(readBack(), inputs)).toEqual(inputs);
  });

  it("records real drift in Railway's terms", () => {
    const drifted = liveInputs(readBack({ source: { repo: "acme/app", branch: "hotfix", rootDirectory: "/backend" }, deploy: { restartPolicyType: "NEVER" } }), declared());
    expect(drifted.source).toEqual({ repo: "acme/app", branch: "hotfix", rootDirectory: "backend" });
    expect(drifted.deploy).toMatchObject({ restartPolicyType: "NEVER", restartPolicyMaxRetries: 10 });
    expect(drifted.deploy).not.toHaveProperty("healthcheckPath");
    expect(drifted.limits).toEqual({});
  });
});

describe("describePatch", () => {
  it("names variables, and shows values only of plain ones", () => {
    const live = readBack({ variables: { ENVIRONMENT: { value: "staging" }, DATABASE_URL: { value: "old" } } });
    const changes = describePatch(live, servicePatch(live, declared()), ["DATABASE_URL"]);
    expect(changes).toEqual(
      expect.arrayContaining([
        { key: "variables.ENVIRONMENT", kind: "change", from: "staging", to: "production" },
        { key: "variables.DATABASE_URL", kind: "change" },
      ]),
    );
    expect(JSON.stringify(changes)).not.toContain("u:p@h");
  });

  it("lists settings with their live and declared values", () => {
    const live = readBack({ deploy: { ...readBack().deploy, restartPolicyType: "NEVER" } });
    expect(describePatch(live, servicePatch(live, declared()), [])).toEqual([{ key: "deploy.restartPolicyType", kind: "set", from: "NEVER", to: "ON_FAILURE" }]);
  });
});

describe("patchNeedsDeploy", () => {
  it.each([
    [{ build: { watchPatterns: ["/backend/**"] } }, false],
    [{ build: { watchPatterns: ["/backend/**"], builder: "RAILPACK" } }, true],
    [{ deploy: { restartPolicyType: "ON_FAILURE" } }, true],
    [{ variables: { A: { value: "1" } } }, true],
    [{ isCreated: true, build: { watchPatterns: ["/x/**"] } }, true],
  ])("%j deploys: %s", (patch, expected) => {
    expect(patchNeedsDeploy(patch)).toBe(expected);
  });
});
