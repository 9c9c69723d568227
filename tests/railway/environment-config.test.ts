/**
 * Reading and writing an environment's config against a fake client: which instances count as
 * live, what a malformed answer says, and what a commit sends.
 */
import { describe, expect, it } from "vitest";
import type { RailwayClient } from "../../src/railway/client";
import {
  hasSource,
  publicProxies,
  readEnvironment,
  stageAndCommit,
  type LiveEnvironment,
} from "../../src/railway/environment-config";
import type { Operation } from "../../src/railway/operations";

interface Asked {
  operation: string;
  variables: Record<string, unknown>;
}

/** A client answering each operation by name, recording what was asked and with what. */
function fakeClient(
  answers: Record<string, (variables: Record<string, unknown>) => unknown>,
): RailwayClient & { asked: Asked[] } {
  const asked: Asked[] = [];
  const client = {
    asked,
    request: async <T>(operation: Operation<T>, variables: Record<string, unknown>) => {
      asked.push({ operation: operation.name, variables });
      const answer = answers[operation.name];
      if (!answer) throw new Error(`unexpected ${operation.name}`);
      return answer(variables) as T;
    },
  };
  return client as unknown as RailwayClient & { asked: Asked[] };
}

const environmentAnswering = (config: unknown, overrides: Record<string, unknown> = {}) =>
  fakeClient({
    EnvironmentConfig: ({ id }) => ({
      environment: {
        id,
        name: "production",
        projectId: "prj",
        createdAt: "2026-12-01T10:00:00Z",
        isEphemeral: false,
        deletedAt: null,
        unmergedChangesCount: 0,
        config,
        ...overrides,
      },
    }),
  });

const environment = (overrides: Partial<LiveEnvironment> = {}): LiveEnvironment => ({
  id: "env-1",
  name: "production",
  projectId: "prj",
  createdAt: "2026-12-01T10:00:00Z",
  isEphemeral: false,
  deletedAt: null,
  unmergedChangesCount: 0,
  services: {},
  volumeIds: [],
  ...overrides,
});

describe("readEnvironment", () => {
  it("counts only instances Railway has not marked deleted", async () => {
    const client = environmentAnswering({
      services: {
        "svc-live": {
          source: { image: "redis:8.2.1" },
          variables: { REDIS_PASSWORD: { value: "p" } },
        },
        "svc-gone": { source: { image: "redis:8.2.1" }, isDeleted: true },
        "svc-kept": { source: { repo: "acme/app" }, isDeleted: false },
      },
      volumes: {
        "vol-live": {},
        "vol-gone": { isDeleted: true },
        "vol-null": null,
        "vol-kept": { isDeleted: false },
      },
    });
    const live = await readEnvironment(client, "env-1");
    expect(Object.keys(live.services)).toEqual(["svc-live", "svc-kept"]);
    expect(live.services["svc-live"]).toEqual({
      source: { image: "redis:8.2.1" },
      variables: { REDIS_PASSWORD: { value: "p" } },
    });
    expect(live.volumeIds).toEqual(["vol-live", "vol-kept"]);
    expect(client.asked).toEqual([{ operation: "EnvironmentConfig", variables: { id: "env-1" } }]);
  });

  it("reads an empty config as no services and no volumes, and a missing staged count as none", async () => {
    const live = await readEnvironment(
      environmentAnswering({}, { unmergedChangesCount: null }),
      "env-1",
    );
    expect(live).toMatchObject({
      id: "env-1",
      name: "production",
      unmergedChangesCount: 0,
      services: {},
      volumeIds: [],
    });
    expect(
      (await readEnvironment(environmentAnswering({}, { unmergedChangesCount: 2 }), "env-1"))
        .unmergedChangesCount,
    ).toBe(2);
  });

  it("keeps fields it does not read, so a patch built from them loses nothing", async () => {
    const live = await readEnvironment(
      environmentAnswering({
        services: {
          svc: {
            source: { image: "redis", autoUpdates: { type: "patch" } },
            networking: { tcpProxies: {} },
          },
        },
      }),
      "env-1",
    );
    expect(live.services.svc).toEqual({
      source: { image: "redis", autoUpdates: { type: "patch" } },
      networking: { tcpProxies: {} },
    });
  });

  it.each([
    ["a service entry that is not an object", { services: { svc: "redis" } }, "services.svc"],
    [
      "a source that is not an object",
      { services: { svc: { source: "redis" } } },
      "services.svc.source",
    ],
    [
      "a repo that is not text",
      { services: { svc: { source: { repo: 7 } } } },
      "services.svc.source.repo",
    ],
    [
      "a variable without an object",
      { services: { svc: { variables: { A: "x" } } } },
      "services.svc.variables.A",
    ],
    [
      "a variable value that is not text",
      { services: { svc: { variables: { A: { value: 1 } } } } },
      "services.svc.variables.A.value",
    ],
    [
      "a mount path that is not text",
      { services: { svc: { volumeMounts: { v: { mountPath: 1 } } } } },
      "services.svc.volumeMounts.v.mountPath",
    ],
    [
      "a build block that is not an object",
      { services: { svc: { build: "nixpacks" } } },
      "services.svc.build",
    ],
    [
      "a deploy block that is not an object",
      { services: { svc: { deploy: [] } } },
      "services.svc.deploy",
    ],
    [
      "isDeleted that is not a boolean",
      { services: { svc: { isDeleted: "yes" } } },
      "services.svc.isDeleted",
    ],
    ["services that are not a map", { services: [] }, "services"],
    ["a volume that is not an object", { volumes: { v: "x" } }, "volumes.v"],
    [
      "a volume's isDeleted that is not a boolean",
      { volumes: { v: { isDeleted: 1 } } },
      "volumes.v.isDeleted",
    ],
  ])("refuses %s, naming the environment and where", async (_case, config, where) => {
    await expect(readEnvironment(environmentAnswering(config), "env-1")).rejects.toThrow(
      new RegExp(
        `^Railway environment "production" returned a config this provider cannot read \\(has Railway's API changed\\?\\): .*${where.replace(/\./g, "\\.")}: `,
      ),
    );
  });
});

describe("hasSource", () => {
  it.each([
    [undefined, false],
    [{}, false],
    [{ source: null }, false],
    [{ source: { image: "", repo: null } }, false],
    [{ source: { image: "redis:8.2.1" } }, true],
    [{ source: { repo: "acme/app" } }, true],
  ])("%j has a source: %s", (entry, expected) => {
    expect(hasSource(entry)).toBe(expected);
  });
});

describe("stageAndCommit", () => {
  const committing = () =>
    fakeClient({
      EnvironmentStageChanges: () => ({
        environmentStageChanges: { id: "patch-7", status: "STAGED" },
      }),
      EnvironmentCommitStaged: () => ({ environmentPatchCommitStaged: "patch-7" }),
    });

  it("stages the patch, commits it as asked, and returns the staged patch's id", async () => {
    const client = committing();
    const patch = { services: { svc: { isDeleted: true } } };
    await expect(
      stageAndCommit(client, environment(), patch, {
        skipDeploys: true,
        commitMessage: "pulumi: remove",
      }),
    ).resolves.toBe("patch-7");
    expect(client.asked).toEqual([
      { operation: "EnvironmentStageChanges", variables: { environmentId: "env-1", input: patch } },
      {
        operation: "EnvironmentCommitStaged",
        variables: { environmentId: "env-1", commitMessage: "pulumi: remove", skipDeploys: true },
      },
    ]);
  });

  it("refuses before sending anything while someone's staged changes wait", async () => {
    const client = committing();
    await expect(
      stageAndCommit(
        client,
        environment({ unmergedChangesCount: 1 }),
        {},
        { skipDeploys: false, commitMessage: "m" },
      ),
    ).rejects.toThrow(
      'Railway environment "production" (env-1) has 1 staged change(s) that nobody applied (dashboard or CLI).',
    );
    expect(client.asked).toEqual([]);
  });
});

describe("publicProxies", () => {
  it("lists the service's proxies that are not deleted", async () => {
    const proxy = (id: string, deletedAt: string | null) => ({
      id,
      domain: `${id}.proxy.rlwy.net`,
      proxyPort: 12345,
      applicationPort: 6379,
      deletedAt,
    });
    const client = fakeClient({
      TcpProxies: () => ({
        tcpProxies: [proxy("tcp-live", null), proxy("tcp-gone", "2026-12-01T10:00:00Z")],
      }),
    });
    expect((await publicProxies(client, "env-1", "svc")).map((p) => p.id)).toEqual(["tcp-live"]);
    expect(client.asked).toEqual([
      { operation: "TcpProxies", variables: { environmentId: "env-1", serviceId: "svc" } },
    ]);
  });
});
