/**
 * Counts the Railway API calls the provider makes for three scenarios, against
 * the local simulator, next to a per-variable writer (one upsert per variable,
 * each deploying: the Terraform community provider's approach).
 */
import { RailwayClient } from "../src/railway/client";
import { DeploymentTriggerProvider } from "../src/railway/deployment-trigger";
import { EnvironmentProvider } from "../src/railway/environment";
import { VARIABLE_UPSERT, VARIABLES } from "../src/railway/operations";
import { ProjectProvider } from "../src/railway/project";
import { ServiceProvider, type ServiceSource } from "../src/railway/service";
import { ServiceDomainProvider } from "../src/railway/service-domain";
import { ServiceInstanceProvider, type ServiceInstanceInputs } from "../src/railway/service-instance";
import { VariablesProvider, type VariablesInputs } from "../src/railway/variables";
import { VolumeProvider } from "../src/railway/volume";
import { createdOk, startHarness, type Harness } from "../test-support/railway-harness";

const SERVICES: { name: string; source: ServiceSource }[] = [
  { name: "backend", source: { repo: "acme/client-fulfillment" } },
  { name: "frontend", source: { repo: "acme/client-fulfillment" } },
  { name: "redis", source: { image: "redis:8.2" } },
  { name: "crawl4ai", source: { image: "unclecode/crawl4ai:0.9.2" } },
];
const VARIABLES_PER_SERVICE = 10;
const variablesFor = (service: string) =>
  Object.fromEntries(Array.from({ length: VARIABLES_PER_SERVICE }, (_, i) => [`${service.toUpperCase()}_SETTING_${i}`, `value-${i}`]));

interface Declared {
  lifecycle: { read(): Promise<unknown>; diffAndUpdate(): Promise<void> }[];
  variables: Map<string, VariablesInputs>;
  ids: { projectId: string; environmentId: string; serviceIds: Map<string, string> };
}

type Writer = "collection" | "per-variable";

async function declareEnvironment(harness: Harness, writer: Writer): Promise<Declared> {
  const v = "1";
  const [projects, environments, services, instances, variables, volumes, domains, triggers] = await Promise.all([
    harness.provider((t) => new ProjectProvider(t)),
    harness.provider((t) => new EnvironmentProvider(t)),
    harness.provider((t) => new ServiceProvider(t)),
    harness.provider((t) => new ServiceInstanceProvider(t)),
    harness.provider((t) => new VariablesProvider(t)),
    harness.provider((t) => new VolumeProvider(t)),
    harness.provider((t) => new ServiceDomainProvider(t)),
    harness.provider((t) => new DeploymentTriggerProvider(t)),
  ]);
  const lifecycle: Declared["lifecycle"] = [];
  const track = <I, O extends object>(
    provider: { read(id: string, props?: O): Promise<{ props?: O }>; diff(id: string, olds: O, news: I): Promise<{ changes?: boolean }>; update(id: string, olds: O, news: I): Promise<unknown> },
    id: string,
    outs: O,
    inputs: I,
  ) => {
    let current = outs;
    lifecycle.push({
      read: async () => {
        current = (await provider.read(id, current)).props ?? current;
      },
      diffAndUpdate: async () => {
        if ((await provider.diff(id, current, inputs)).changes) await provider.update(id, current, inputs);
      },
    });
  };

  const projectInputs = { name: "client-fulfillment", workspaceId: harness.sim.workspaceId, defaultEnvironmentName: "production", providerVersion: v };
  const project = await createdOk(projects.create(projectInputs));
  track(projects, project.id, project.outs, projectInputs);
  const environmentInputs = { projectId: project.id, name: "staging", providerVersion: v };
  const environment = await createdOk(environments.create(environmentInputs));
  track(environments, environment.id, environment.outs, environmentInputs);
  const scope = { projectId: project.id, environmentId: environment.id };

  const serviceIds = new Map<string, string>();
  const declaredVariables = new Map<string, VariablesInputs>();
  for (const { name, source } of SERVICES) {
    // The collection writer hands the first deploy its variables (serviceCreate takes them);
    // a per-variable writer creates the service bare and writes them one by one.
    const serviceInputs = { ...scope, name, source, providerVersion: v, initialVariables: writer === "collection" ? variablesFor(name) : undefined };
    const service = await createdOk(services.create(serviceInputs));
    track(services, service.id, service.outs, serviceInputs);
    serviceIds.set(name, service.id);

    const instanceInputs: ServiceInstanceInputs = {
      serviceId: service.id,
      environmentId: environment.id,
      numReplicas: 1,
      restartPolicyType: "ON_FAILURE",
      restartPolicyMaxRetries: 10,
      sleepApplication: false,
      healthcheckPath: name === "redis" ? undefined : "/health",
      redeployOnUpdate: true,
      providerVersion: v,
    };
    const instance = await createdOk(instances.create(instanceInputs));
    track(instances, instance.id, instance.outs, instanceInputs);

    const variableInputs: VariablesInputs = { ...scope, serviceId: service.id, variables: variablesFor(name), providerVersion: v };
    declaredVariables.set(name, variableInputs);
    if (writer === "collection") {
      const created = await createdOk(variables.create(variableInputs));
      track(variables, created.id, created.outs, variableInputs);
    } else {
      await writePerVariable(harness, variableInputs);
    }
  }

  const volumeInputs = { ...scope, serviceId: serviceIds.get("redis") ?? "", mountPath: "/data", providerVersion: v };
  const volume = await createdOk(volumes.create(volumeInputs));
  track(volumes, volume.id, volume.outs, volumeInputs);
  for (const name of ["backend", "frontend"]) {
    const domainInputs = { ...scope, serviceId: serviceIds.get(name) ?? "", providerVersion: v };
    const domain = await createdOk(domains.create(domainInputs));
    track(domains, domain.id, domain.outs, domainInputs);
  }
  const triggerInputs = { ...scope, serviceId: serviceIds.get("backend") ?? "", repository: "acme/client-fulfillment", branch: "staging", providerVersion: v };
  const trigger = await createdOk(triggers.create(triggerInputs));
  track(triggers, trigger.id, trigger.outs, triggerInputs);

  return { lifecycle, variables: declaredVariables, ids: { ...scope, serviceIds } };
}

function rawClient(harness: Harness): RailwayClient {
  return new RailwayClient({ token: harness.sim.token, tokenSource: "benchmark", endpoint: harness.sim.url });
}

async function writePerVariable(harness: Harness, inputs: VariablesInputs): Promise<void> {
  const client = rawClient(harness);
  for (const [name, value] of Object.entries(inputs.variables)) {
    await client.request(VARIABLE_UPSERT, {
      input: { projectId: inputs.projectId, environmentId: inputs.environmentId, serviceId: inputs.serviceId, name, value },
    });
  }
}

/** A per-variable writer refreshes each variable it owns, then writes only those that differ. */
async function perVariableRefreshAndUpdate(harness: Harness, declared: Declared, change?: { service: string; name: string; value: string }) {
  const client = rawClient(harness);
  for (const [service, inputs] of declared.variables) {
    const wanted = change?.service === service ? { ...inputs.variables, [change.name]: change.value } : inputs.variables;
    for (const [name, value] of Object.entries(wanted)) {
      const { variables } = await client.request(VARIABLES, { projectId: inputs.projectId, environmentId: inputs.environmentId, serviceId: inputs.serviceId });
      if (variables[name] !== value) {
        await client.request(VARIABLE_UPSERT, { input: { projectId: inputs.projectId, environmentId: inputs.environmentId, serviceId: inputs.serviceId, name, value } });
      }
    }
  }
}

interface Row {
  scenario: string;
  writer: Writer;
  requests: number;
  mutations: number;
  deploys: number;
}

async function measure(writer: Writer): Promise<Row[]> {
  const harness = await startHarness();
  try {
    const snapshot = (scenario: string): Row => {
      const { requests, mutations, deploys } = harness.sim.stats;
      harness.sim.resetStats();
      return { scenario, writer, requests, mutations, deploys };
    };
    const declared = await declareEnvironment(harness, writer);
    const rows = [snapshot("(a) create one environment")];

    for (const resource of declared.lifecycle) await resource.read();
    for (const resource of declared.lifecycle) await resource.diffAndUpdate();
    if (writer === "per-variable") await perVariableRefreshAndUpdate(harness, declared);
    rows.push(snapshot("(b) no-op refresh + update"));

    const backend = declared.variables.get("backend");
    if (!backend) throw new Error("backend variables were not declared");
    if (writer === "collection") {
      const variables = await harness.provider((t) => new VariablesProvider(t));
      const changed = { ...backend, variables: { ...backend.variables, BACKEND_SETTING_0: "changed" } };
      const diff = await variables.diff("", backend, changed);
      if (diff.changes) await variables.update("", backend, changed);
    } else {
      await perVariableRefreshAndUpdate(harness, declared, { service: "backend", name: "BACKEND_SETTING_0", value: "changed" });
    }
    rows.push(snapshot("(c) change one variable"));
    return rows;
  } finally {
    await harness.close();
  }
}

async function main(): Promise<void> {
  const rows = [...(await measure("collection")), ...(await measure("per-variable"))].sort((a, b) => a.scenario.localeCompare(b.scenario));
  const declaredObjects = 1 + 1 + SERVICES.length * 3 + 1 + 2 + 1;
  console.log(`Railway API calls against the local simulator (${SERVICES.length} services × ${VARIABLES_PER_SERVICE} variables, a volume, 2 domains, a trigger; ${declaredObjects} declared objects)\n`);
  console.log("| scenario | writer | requests | mutations | deploys |");
  console.log("| --- | --- | ---: | ---: | ---: |");
  for (const row of rows) console.log(`| ${row.scenario} | ${row.writer} | ${row.requests} | ${row.mutations} | ${row.deploys} |`);
  const ours = (scenario: string) => rows.find((row) => row.writer === "collection" && row.scenario.startsWith(scenario));
  const a = ours("(a)");
  const b = ours("(b)");
  const c = ours("(c)");
  const targets = [
    { name: "(a) mutations ≤ declared objects + one deploy per service", ok: !!a && a.mutations <= declaredObjects + SERVICES.length && a.deploys <= SERVICES.length },
    { name: "(b) no mutations", ok: b?.mutations === 0 },
    { name: "(c) one mutation and one deploy", ok: !!c && c.mutations - c.deploys === 1 && c.deploys === 1 },
  ];
  console.log("");
  for (const target of targets) console.log(`${target.ok ? "✓" : "✗"} ${target.name}`);
  if (targets.some((target) => !target.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
