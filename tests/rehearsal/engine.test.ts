/**
 * The rehearsal engine on a small program of real Railway dynamic resources against the
 * simulator: real ids flow into dependents, a second `up` is a no-op, a config change is one
 * update, dependsOn orders registrations, and resources dropped from the program are deleted.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Environment } from "../../src/railway/environment";
import { Project } from "../../src/railway/project";
import { Service, type ServiceArgs } from "../../src/railway/service";
import {
  rehearseUp,
  type RehearsalState,
  type UpResult,
} from "../../test-support/rehearsal/engine";
import { startRailwayTarget, type RailwayTarget } from "../../test-support/rehearsal/target";
import { describeWithRailwaySchema } from "../../test-support/railway-harness";

const PROJECT_TYPE = "pulumi-nodejs:dynamic/railway:Project";
const ENVIRONMENT_TYPE = "pulumi-nodejs:dynamic/railway:Environment";
const SERVICE_TYPE = "pulumi-nodejs:dynamic/railway:Service";

function program(workspaceId: string, options: { withPreview: boolean }) {
  return () => {
    const config = new pulumi.Config("rehearsal");
    const project = new Project("project", {
      name: "rehearsal-app",
      workspaceId,
      defaultEnvironmentName: "production",
    });
    const environment = new Environment("staging", {
      projectId: project.projectId,
      name: config.get("environmentName") ?? "staging",
    });
    // Service's inputs are changing shape (a bare service plus ServiceConfig); extra inputs are harmless to either.
    const serviceArgs = {
      projectId: project.projectId,
      name: "redis",
      source: { image: "redis:8.2" },
      environmentId: environment.environmentId,
    };
    const service = new Service("redis", serviceArgs as unknown as ServiceArgs);
    const password = new random.RandomPassword("redis-password", { length: 24, special: false });
    const outputs: Record<string, unknown> = {
      password: password.result,
      projectId: project.projectId,
      environmentId: environment.environmentId,
      serviceId: service.serviceId,
    };
    if (options.withPreview) {
      // No input refers to the service: only dependsOn orders it.
      const preview = new Environment(
        "preview",
        { projectId: project.projectId, name: "preview" },
        { dependsOn: [service] },
      );
      outputs.previewId = preview.environmentId;
    }
    return outputs;
  };
}

describeWithRailwaySchema("rehearsal engine on a small Railway program", () => {
  let target: RailwayTarget;
  const up = (
    prior: RehearsalState | undefined,
    extraConfig: Record<string, string> = {},
    withPreview = true,
  ) =>
    rehearseUp({
      stack: "rehearsal",
      config: { ...target.config, ...extraConfig },
      secretKeys: target.secretKeys,
      prior,
      program: program(target.sim.workspaceId, { withPreview }),
    });
  let first: UpResult;

  beforeAll(async () => {
    target = await startRailwayTarget();
    target.startWindow();
    first = await up(undefined);
  }, 60_000);
  afterAll(async () => {
    await target?.close();
  });

  it("creates every dynamic resource through the plugin and hands the real ids to dependents", () => {
    expect(first.steps.map((step) => `${step.kind} ${step.name}`).sort()).toEqual([
      "create preview",
      "create project",
      "create redis",
      "create staging",
    ]);
    const projectId = first.outputs.projectId as string;
    const environmentId = first.outputs.environmentId as string;
    const serviceId = first.outputs.serviceId as string;
    expect(target.sim.state.projects.get(projectId)?.name).toBe("rehearsal-app");
    expect(target.sim.state.environments.get(environmentId)).toMatchObject({
      name: "staging",
      projectId,
    });
    expect(target.sim.state.services.get(serviceId)).toMatchObject({ name: "redis", projectId });
    // The state holds the checked inputs with the serialized provider, as a state file would.
    const stored = first.state.get(`${ENVIRONMENT_TYPE}::staging`);
    expect(stored?.inputs.projectId).toBe(projectId);
    expect(typeof stored?.inputs.__provider).toBe("string");
    expect(target.measure().mutations).toBeGreaterThan(0);
  });

  it("registers a dependsOn resource only after its dependency was created", () => {
    const service = first.steps.find((step) => step.type === SERVICE_TYPE);
    const preview = first.steps.find((step) => step.name === "preview");
    expect(service && preview && preview.started > service.finished).toBe(true);
  });

  it("sends no mutation on a second up with the same program and config", async () => {
    target.startWindow();
    const second = await up(first.state);
    const measured = target.measure();
    expect(second.steps.every((step) => step.kind === "same")).toBe(true);
    expect(measured.mutations).toBe(0);
    expect(measured.deploys).toBe(0);
    expect(second.outputs).toEqual(first.outputs);
  });

  it("gives a RandomPassword a stable, secret fake result of the requested length", () => {
    const password = first.outputs.password;
    expect(typeof password === "string" && /^[A-Za-z0-9]{24}$/.test(password)).toBe(true);
    expect(first.plan.outputs.password?.secret).toBe(true);
  });

  it("updates in place what a config change touches, with one mutation", async () => {
    target.startWindow();
    const third = await up(first.state, { "rehearsal:environmentName": "staging-2" });
    const measured = target.measure();
    expect(
      third.steps.filter((step) => step.kind !== "same").map((step) => `${step.kind} ${step.name}`),
    ).toEqual(["update staging"]);
    expect(measured.mutations).toBe(1);
    expect(target.sim.state.environments.get(first.outputs.environmentId as string)?.name).toBe(
      "staging-2",
    );
    first = third;
  });

  it("deletes a resource the program no longer declares", async () => {
    target.startWindow();
    const fourth = await up(first.state, { "rehearsal:environmentName": "staging-2" }, false);
    expect(
      fourth.steps
        .filter((step) => step.kind !== "same")
        .map((step) => `${step.kind} ${step.name}`),
    ).toEqual(["delete preview"]);
    expect(fourth.state.has(`${ENVIRONMENT_TYPE}::preview`)).toBe(false);
    expect(
      target.sim.state.environments.get(first.outputs.previewId as string)?.deletedAt,
    ).not.toBeNull();
    expect(fourth.state.has(`${PROJECT_TYPE}::project`)).toBe(true);
  });

  it("fails the up (rather than hanging) when the provider's check rejects an input", async () => {
    const broken = () => {
      const project = new Project("nameless", { name: "", workspaceId: target.sim.workspaceId });
      return { projectId: project.projectId };
    };
    await expect(
      rehearseUp({
        stack: "rehearsal",
        config: target.config,
        secretKeys: target.secretKeys,
        program: broken,
      }),
    ).rejects.toThrow(/railway:Project "nameless": check failed: name: a project name is required/);
  });
});
