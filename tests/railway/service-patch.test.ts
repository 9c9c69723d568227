import { readFileSync } from "node:fs";
import * as path from "node:path";
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
  configChanged,
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
  deploy: {
    healthcheckPath: "/health",
    restartPolicyType: "ON_FAILURE",
    restartPolicyMaxRetries: 10,
    preDeployCommand: ["alembic upgrade head"],
  },
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
  deploy: {
    healthcheckPath: "/health",
    restartPolicyType: null,
    restartPolicyMaxRetries: null,
    preDeployCommand: ["alembic upgrade head"],
    limitOverride: { containers: { memoryBytes: 2_000_000_000 } },
  },
  variables: {
    ENVIRONMENT: { value: "production" },
    DATABASE_URL: { value: "postgresql+asyncpg://u:p@h/db" },
  },
  ...overrides,
});

describe("Railway's defaults", () => {
  it("every default names its source", () => {
    for (const entry of RAILWAY_DEFAULTS)
      expect(entry.source.length, entry.path).toBeGreaterThan(10);
    expect(RAILWAY_DEFAULTS.map((entry) => entry.path)).toEqual(
      expect.arrayContaining(["deploy.restartPolicyType", "deploy.restartPolicyMaxRetries"]),
    );
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
    [
      ["build", "watchPatterns"],
      ["/b/**", "/a/**"],
      ["/a/**", "/b/**"],
    ],
    [["build", "watchPatterns"], null, []],
    [["deploy", "preDeployCommand"], undefined, []],
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
    [
      "a restart policy Railway really holds",
      { deploy: { ...readBack().deploy, restartPolicyType: "NEVER" } },
      { deploy: { restartPolicyType: "ON_FAILURE" } },
    ],
    [
      "another root directory",
      { source: { repo: "acme/app", branch: "main", rootDirectory: "/frontend" } },
      { source: { rootDirectory: "backend" } },
    ],
    [
      "another branch",
      { source: { repo: "acme/app", branch: "staging", rootDirectory: "backend" } },
      { source: { branch: "main" } },
    ],
    [
      "other watch patterns",
      { build: { watchPatterns: ["/**"] } },
      { build: { watchPatterns: ["/backend/**"] } },
    ],
    [
      "no pre-deploy command",
      { deploy: { ...readBack().deploy, preDeployCommand: null } },
      { deploy: { preDeployCommand: ["alembic upgrade head"] } },
    ],
    [
      "another memory limit",
      {
        deploy: {
          ...readBack().deploy,
          limitOverride: { containers: { memoryBytes: 4_000_000_000 } },
        },
      },
      { deploy: { limitOverride: { containers: { memoryBytes: 2_000_000_000 } } } },
    ],
  ])("sends only what differs: %s", (_case, live, expected) => {
    expect(servicePatch(readBack(live as Partial<LiveServiceEntry>), declared())).toEqual(expected);
  });

  it("never touches a variable the stack does not declare", () => {
    const live = readBack({
      variables: { ...readBack().variables, SENTRY_DSN: { value: "https://x" } },
    });
    expect(servicePatch(live, declared())).toEqual({});
  });

  it("removes what the last apply managed and this one no longer declares, unless Railway already has the default", () => {
    const olds = declared({
      variables: { ENVIRONMENT: "production", OLD: "1" },
      deploy: { ...declared().deploy, numReplicas: 2 },
    });
    const live = readBack({
      variables: { ...readBack().variables, OLD: { value: "1" } },
      deploy: { ...readBack().deploy, numReplicas: 2 },
    });
    expect(servicePatch(live, declared(), olds)).toEqual({
      variables: { OLD: null },
      deploy: { numReplicas: null },
    });
    expect(servicePatch(readBack(), declared(), olds)).toEqual({});
  });

  it("writes the source wholly: an image replaces a repo and clears branch and root directory", () => {
    const patch = servicePatch(readBack(), declared({ source: { image: "redis:8.2.1" } }));
    expect(patch.source).toEqual({
      image: "redis:8.2.1",
      repo: null,
      branch: null,
      rootDirectory: null,
    });
  });
});

describe("generated secrets", () => {
  const redis = (label = "", olds?: ServiceConfigInputs) => ({
    news: declared({
      secretVariables: { REDIS_PASSWORD: "generated" },
      preservedVariables: { REDIS_PASSWORD: label },
    }),
    olds,
  });
  const live = readBack({
    variables: { ENVIRONMENT: { value: "production" }, REDIS_PASSWORD: { value: "live-password" } },
  });

  it("keeps a live value on adoption and on later runs", () => {
    const { news } = redis();
    expect(servicePatch(live, news)).toEqual({});
    expect(servicePatch(live, news, news)).toEqual({});
    expect(keepsLiveValue("REDIS_PASSWORD", live, news)).toBe(true);
  });

  it("writes the generated value when none exists live", () => {
    const { news } = redis();
    expect(
      servicePatch(readBack({ variables: { ENVIRONMENT: { value: "production" } } }), news),
    ).toEqual({ variables: { REDIS_PASSWORD: { value: "generated" } } });
  });

  it("rotates only when the stack file's rotation label changes", () => {
    const before = redis("").news;
    const after = redis("2026-12-01").news;
    expect(servicePatch(live, after, before)).toEqual({
      variables: { REDIS_PASSWORD: { value: "generated" } },
    });
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
    const drifted = liveInputs(
      readBack({
        source: { repo: "acme/app", branch: "hotfix", rootDirectory: "/backend" },
        deploy: { restartPolicyType: "NEVER" },
      }),
      declared(),
    );
    expect(drifted.source).toEqual({
      repo: "acme/app",
      branch: "hotfix",
      rootDirectory: "backend",
    });
    expect(drifted.deploy).toMatchObject({
      restartPolicyType: "NEVER",
      restartPolicyMaxRetries: 10,
    });
    expect(drifted.deploy).not.toHaveProperty("healthcheckPath");
    expect(drifted.limits).toEqual({});
  });
});

describe("describePatch", () => {
  it("names variables, and shows values only of plain ones", () => {
    const live = readBack({
      variables: { ENVIRONMENT: { value: "staging" }, DATABASE_URL: { value: "old" } },
    });
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
    expect(describePatch(live, servicePatch(live, declared()), [])).toEqual([
      { key: "deploy.restartPolicyType", kind: "set", from: "NEVER", to: "ON_FAILURE" },
    ]);
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

describe("normalisation, beyond defaults", () => {
  it.each([
    [["source", "rootDirectory"], "//apps/backend//", "apps/backend"],
    [["source", "rootDirectory"], "apps/backend", "apps/backend"],
    [["source", "repo"], "/acme/app/", "/acme/app/"],
    [["deploy", "healthcheckPath"], "/health/", "/health/"],
    [["deploy", "startCommand"], "/app/start.sh", "/app/start.sh"],
    [
      ["deploy", "preDeployCommand"],
      ["migrate", "seed"],
      ["migrate", "seed"],
    ],
    [
      ["deploy", "preDeployCommand"],
      ["seed", "migrate"],
      ["seed", "migrate"],
    ],
    [["deploy", "restartPolicyType"], "NEVER", "NEVER"],
  ] as const)("keeps %j = %j as %j", (path, value, expected) => {
    expect(normalizedLeaf(path, value)).toEqual(expected);
  });

  it("reads watch patterns as a set, and a pre-deploy command in order", () => {
    expect(sameLeaf(["build", "watchPatterns"], ["/b/**", "/a/**"], ["/a/**", "/b/**"])).toBe(true);
    expect(sameLeaf(["deploy", "preDeployCommand"], ["seed", "migrate"], ["migrate", "seed"])).toBe(
      false,
    );
  });
});

describe("servicePatch, limits, mounts and removals", () => {
  it("sends vCPUs as the container's cpu, and memory in bytes", () => {
    const live = readBack({
      deploy: {
        ...readBack().deploy,
        limitOverride: { containers: { memoryBytes: 2_000_000_000, cpu: 1 } },
      },
    });
    expect(servicePatch(live, declared({ limits: { memoryGB: 2, vCPUs: 2 } }))).toEqual({
      deploy: { limitOverride: { containers: { cpu: 2 } } },
    });
    expect(servicePatch(readBack(), declared({ limits: { memoryGB: 0.5 } }))).toEqual({
      deploy: { limitOverride: { containers: { memoryBytes: 500_000_000 } } },
    });
  });

  it("mounts a declared volume, and unmounts a released one as a whole entry", () => {
    const mounted = declared({ volumeMounts: { "vol-1": "/data" } });
    expect(servicePatch(readBack(), mounted)).toEqual({
      volumeMounts: { "vol-1": { mountPath: "/data" } },
    });
    expect(
      servicePatch(readBack({ volumeMounts: { "vol-1": { mountPath: "/data" } } }), mounted),
    ).toEqual({});
    expect(
      servicePatch(
        readBack({ volumeMounts: { "vol-1": { mountPath: "/data" } } }),
        declared(),
        mounted,
      ),
    ).toEqual({ volumeMounts: { "vol-1": null } });
    expect(servicePatch(readBack(), declared(), mounted)).toEqual({});
  });

  it("releases a setting or a limit only where Railway holds a value other than its default", () => {
    const olds = declared({
      deploy: { ...declared().deploy, numReplicas: 2 },
      limits: { memoryGB: 2, vCPUs: 2 },
    });
    const news = declared({ limits: { memoryGB: 2 } });
    const holding = (numReplicas: number | null, cpu: number | null) =>
      readBack({
        deploy: {
          ...readBack().deploy,
          numReplicas,
          limitOverride: { containers: { memoryBytes: 2_000_000_000, cpu } },
        },
      });
    expect(servicePatch(holding(2, 2), news, olds)).toEqual({
      deploy: { numReplicas: null, limitOverride: { containers: { cpu: null } } },
    });
    expect(servicePatch(holding(1, null), news, olds)).toEqual({});
    expect(servicePatch(holding(null, null), news, olds)).toEqual({});
  });

  it("releases a plain variable that became a secret by writing it, not removing it", () => {
    const olds = declared({ variables: { ENVIRONMENT: "production", TOKEN: "t" } });
    const news = declared({ secretVariables: { ...declared().secretVariables, TOKEN: "t2" } });
    const live = readBack({ variables: { ...readBack().variables, TOKEN: { value: "t" } } });
    expect(servicePatch(live, news, olds)).toEqual({ variables: { TOKEN: { value: "t2" } } });
  });

  it("reads blocks Railway answers as null as holding nothing", () => {
    const live = readBack({
      build: null,
      deploy: null,
      variables: { ENVIRONMENT: null, DATABASE_URL: { value: "postgresql+asyncpg://u:p@h/db" } },
    });
    expect(servicePatch(live, declared())).toEqual({
      build: { watchPatterns: ["/backend/**"] },
      deploy: {
        healthcheckPath: "/health",
        preDeployCommand: ["alembic upgrade head"],
        limitOverride: { containers: { memoryBytes: 2_000_000_000 } },
      },
      variables: { ENVIRONMENT: { value: "production" } },
    });
  });

  it("builds its patch for a service with no instance yet: what is declared, no nulls", () => {
    const patch = servicePatch(
      undefined,
      declared({
        source: { image: "redis:8.2.1" },
        build: undefined,
        deploy: undefined,
        limits: undefined,
        variables: undefined,
        secretVariables: undefined,
      }),
    );
    expect(patch).toEqual({ source: { image: "redis:8.2.1" } });
  });
});

describe("generated secrets, edge cases", () => {
  const news = declared({
    secretVariables: { REDIS_PASSWORD: "generated" },
    preservedVariables: { REDIS_PASSWORD: "" },
  });

  it.each([
    ["no live instance", undefined],
    ["no variables block", readBack({ variables: undefined })],
    ["a null variables block", readBack({ variables: null })],
    ["no such variable", readBack({ variables: {} })],
    ["a null variable", readBack({ variables: { REDIS_PASSWORD: null } })],
    ["an empty value", readBack({ variables: { REDIS_PASSWORD: { value: "" } } })],
  ])("writes the generated value over %s", (_case, live) => {
    expect(keepsLiveValue("REDIS_PASSWORD", live, news)).toBe(false);
  });

  it("keeps it when the last apply had no labels and this one's label is empty, and rotates when it is not", () => {
    const live = readBack({ variables: { REDIS_PASSWORD: { value: "live" } } });
    const unlabelled = declared({ secretVariables: { REDIS_PASSWORD: "generated" } });
    expect(keepsLiveValue("REDIS_PASSWORD", live, news, unlabelled)).toBe(true);
    expect(
      keepsLiveValue(
        "REDIS_PASSWORD",
        live,
        declared({ ...news, preservedVariables: { REDIS_PASSWORD: "2026-12" } }),
        unlabelled,
      ),
    ).toBe(false);
    expect(keepsLiveValue("ENVIRONMENT", readBack(), news)).toBe(false);
  });
});

describe("describePatch, every kind", () => {
  it("adds, changes and removes variables, and sets and removes settings", () => {
    const live = readBack({
      variables: { ENVIRONMENT: { value: "staging" }, OLD: { value: "1" } },
      deploy: { numReplicas: 2 },
    });
    const patch = {
      variables: { ENVIRONMENT: { value: "production" }, NEW: { value: "x" }, OLD: null },
      deploy: { numReplicas: null, startCommand: "run" },
    };
    expect(describePatch(live, patch, [])).toEqual([
      { key: "variables.ENVIRONMENT", kind: "change", from: "staging", to: "production" },
      { key: "variables.NEW", kind: "add", from: undefined, to: "x" },
      { key: "variables.OLD", kind: "remove", from: "1", to: undefined },
      { key: "deploy.numReplicas", kind: "remove", from: 2, to: null },
      { key: "deploy.startCommand", kind: "set", from: null, to: "run" },
    ]);
  });

  it("adds a variable to a live entry that has no variables block", () => {
    expect(
      describePatch(readBack({ variables: undefined }), { variables: { A: { value: "x" } } }, []),
    ).toEqual([{ key: "variables.A", kind: "add", from: undefined, to: "x" }]);
  });

  it("shows a list as one setting, and describes a service with no instance yet", () => {
    expect(
      describePatch(
        undefined,
        { build: { watchPatterns: ["/a/**"] }, variables: { TOKEN: { value: "s" } } },
        ["TOKEN"],
      ),
    ).toEqual([
      { key: "build.watchPatterns", kind: "set", from: null, to: ["/a/**"] },
      { key: "variables.TOKEN", kind: "add" },
    ]);
  });
});

describe("liveInputs, every group", () => {
  it("records build, limits and mounts as Railway holds them", () => {
    const props = declared({
      build: { watchPatterns: ["/backend/**"], builder: "RAILPACK" },
      limits: { memoryGB: 2, vCPUs: 1 },
      volumeMounts: { "vol-1": "/data", "vol-2": "/cache" },
    });
    const live = readBack({
      build: { watchPatterns: ["/**"], builder: "RAILPACK" },
      deploy: {
        ...readBack().deploy,
        limitOverride: { containers: { memoryBytes: 4_000_000_000, cpu: 2 } },
      },
      volumeMounts: { "vol-1": { mountPath: "/mnt" } },
    });
    const recorded = liveInputs(live, props);
    expect(recorded.build).toEqual({ watchPatterns: ["/**"], builder: "RAILPACK" });
    expect(recorded.limits).toEqual({ memoryGB: 4, vCPUs: 2 });
    expect(recorded.volumeMounts).toStrictEqual({ "vol-1": "/mnt" });
    expect(recorded.deploy).not.toHaveProperty("limitOverride");
  });

  it("records a variable removed live as missing, and leaves undeclared groups undeclared", () => {
    const props = declared({
      build: undefined,
      deploy: undefined,
      limits: undefined,
      volumeMounts: undefined,
    });
    const recorded = liveInputs(
      readBack({ variables: { DATABASE_URL: { value: "changed" } } }),
      props,
    );
    expect(recorded.variables).toStrictEqual({});
    expect(recorded.secretVariables).toStrictEqual({ DATABASE_URL: "changed" });
    expect([recorded.build, recorded.deploy, recorded.limits, recorded.volumeMounts]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(recorded.source).toEqual({ repo: "acme/app", branch: "main", rootDirectory: "backend" });
  });

  it("records watch patterns as declared when Railway holds the same set in another order", () => {
    const props = declared({ build: { watchPatterns: ["/shared/**", "/backend/**"] } });
    expect(
      liveInputs(readBack({ build: { watchPatterns: ["/backend/**", "/shared/**"] } }), props)
        .build,
    ).toEqual({ watchPatterns: ["/shared/**", "/backend/**"] });
  });

  it("records an image service's unset branch and root directory as absent", () => {
    const props = declared({ source: { image: "redis:8.2.1" } });
    expect(
      liveInputs(
        readBack({
          source: { image: "redis:8.2.1", repo: null, branch: null, rootDirectory: null },
        }),
        props,
      ).source,
    ).toEqual({ image: "redis:8.2.1" });
  });
});

describe("configChanged", () => {
  it.each([
    ["nothing", {}, false],
    ["a label only", { role: "worker", redeployOn: { x: "1" }, deployTimeoutSeconds: 5 }, false],
    [
      "the source",
      { source: { repo: "acme/app", branch: "next", rootDirectory: "backend" } },
      true,
    ],
    ["a build setting", { build: { watchPatterns: ["/**"] } }, true],
    ["a deploy setting", { deploy: { healthcheckPath: "/ready" } }, true],
    ["a limit", { limits: { memoryGB: 4 } }, true],
    ["a variable", { variables: { ENVIRONMENT: "staging" } }, true],
    ["a secret", { secretVariables: { DATABASE_URL: "postgresql://other" } }, true],
    ["a mount", { volumeMounts: { "vol-1": "/data" } }, true],
  ] as [string, Partial<ServiceConfigInputs>, boolean][])(
    "is %s a config change: %s",
    (_case, overrides, expected) => {
      expect(configChanged(declared(), declared(overrides))).toBe(expected);
    },
  );

  it("reads an absent group as an absent group, whichever way it is written", () => {
    expect(
      configChanged(declared({ build: undefined }), { ...declared(), build: null as never }),
    ).toBe(false);
  });
});

describe("DESIGN.md's table of Railway's defaults", () => {
  it("lists every default with its value, and as an assumption exactly those no source confirms", () => {
    const design = readFileSync(path.resolve(__dirname, "../../src/railway/DESIGN.md"), "utf8");
    const rows = [
      ...design.matchAll(
        /^\| `((?:deploy|build)\.\w+)` \| ([^|]+) \| [^|]+ \| (yes|no: assumption) \|$/gm,
      ),
    ];
    expect(rows.map((row) => [row[1], row[3] === "yes"])).toEqual(
      RAILWAY_DEFAULTS.map((entry) => [entry.path, entry.confirmed]),
    );
    for (const [, key, value] of rows) {
      const entry = RAILWAY_DEFAULTS.find((candidate) => candidate.path === key)!;
      const shown =
        Array.isArray(entry.value) && entry.value.length === 0
          ? "none"
          : `\`${String(entry.value)}\``;
      expect(value!.trim(), key).toBe(shown);
    }
  });
});
