/**
 * The dynamic-provider plugin that `@pulumi/pulumi` ships (`cmd/dynamic-provider`), started and
 * driven over gRPC the way the Pulumi engine drives it: one child process per deployment,
 * `Configure` with the whole stack config, then `Check`/`Diff`/`Create`/`Update`/`Delete`
 * with the serialized provider in each resource's `__provider` property.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";

export type Properties = Record<string, unknown>;

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

export interface DiffAnswer {
  /** "unknown" means the provider has no `diff`: the engine then compares old and new inputs. */
  readonly changes: "some" | "none" | "unknown";
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

/** Identifies one resource in every request, as the engine does. */
export interface ResourceRef {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
}

const PLUGIN_DIR = path.dirname(require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"));
/** Spares each plugin process the SDK modules only a serializer needs (the plugin deserializes). */
const DEFER_SDK_MODULES = path.resolve(__dirname, "../../src/offline/defer-sdk-modules.cjs");
const START_TIMEOUT_MS = 15_000;

/** JSON-like copy without `undefined` (protobuf's Struct rejects it; the engine never sends it). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : plain(item)));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => inner !== undefined)
        .map(([key, inner]) => [key, plain(inner)]),
    );
  }
  return value;
}

function toStruct(properties: Properties): Struct {
  return Struct.fromJavaScript(plain(properties) as Record<string, never>);
}

function fromStruct(struct: Struct | undefined): Properties {
  return (struct?.toJavaScript() ?? {}) as Properties;
}

function rpc<Res>(
  send: (callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown,
  label: string,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    send((error, response) => {
      if (error) reject(new Error(`${label}: ${error.details || error.message}`, { cause: error }));
      else resolve(response);
    });
  });
}

export class DynamicProviderPlugin {
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: provrpc.ResourceProviderClient,
  ) {
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString("utf8");
    });
  }

  /**
   * Spawns the plugin with this process's `node`. `cwd` is where the serialized providers'
   * `require()` calls resolve from (the project root). The engine address is required by the
   * plugin's command line but never dialled by it (it only logs to stderr).
   */
  static async start(options: {
    cwd: string;
    project: string;
    stack: string;
  }): Promise<DynamicProviderPlugin> {
    const child = spawn(
      process.execPath,
      ["--require", DEFER_SDK_MODULES, PLUGIN_DIR, "127.0.0.1:1"],
      {
        cwd: options.cwd,
        env: { ...process.env, PULUMI_PROJECT: options.project, PULUMI_STACK: options.stack },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let early = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      early += chunk.toString("utf8");
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `dynamic-provider plugin printed no port within ${START_TIMEOUT_MS} ms: ${early}`,
            ),
          ),
        START_TIMEOUT_MS,
      );
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const line = out.split("\n")[0]?.trim();
        if (out.includes("\n") && line && /^\d+$/.test(line)) {
          clearTimeout(timer);
          resolve(Number(line));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `dynamic-provider plugin exited with ${code} before printing its port: ${early}`,
          ),
        );
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const client = new provrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    return new DynamicProviderPlugin(child, client);
  }

  /** What the plugin wrote to stderr (provider errors are logged there). */
  get log(): string {
    return this.stderr;
  }

  /** The engine sends the whole stack config ("ns:key" → string), secrets decrypted. */
  async configure(config: Record<string, string>): Promise<void> {
    const request = new provproto.ConfigureRequest();
    request.setArgs(toStruct(config));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    await rpc<provproto.ConfigureResponse>(
      (callback) => this.client.configure(request, callback),
      "Configure",
    );
  }

  async check(
    ref: ResourceRef,
    olds: Properties,
    news: Properties,
  ): Promise<{ inputs: Properties; failures: CheckFailure[] }> {
    const request = new provproto.CheckRequest();
    request.setUrn(ref.urn).setType(ref.type).setName(ref.name);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    const response = await rpc<provproto.CheckResponse>(
      (callback) => this.client.check(request, callback),
      `Check ${ref.urn}`,
    );
    return {
      inputs: fromStruct(response.getInputs()),
      failures: response
        .getFailuresList()
        .map((failure) => ({ property: failure.getProperty(), reason: failure.getReason() })),
    };
  }

  async diff(
    ref: ResourceRef,
    id: string,
    olds: Properties,
    news: Properties,
    oldInputs: Properties,
    ignoreChanges: readonly string[],
  ): Promise<DiffAnswer> {
    const request = new provproto.DiffRequest();
    request.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    request.setOldInputs(toStruct(oldInputs));
    request.setIgnorechangesList([...ignoreChanges]);
    const response = await rpc<provproto.DiffResponse>(
      (callback) => this.client.diff(request, callback),
      `Diff ${ref.urn}`,
    );
    const kinds = provproto.DiffResponse.DiffChanges;
    const changes =
      response.getChanges() === kinds.DIFF_SOME
        ? "some"
        : response.getChanges() === kinds.DIFF_NONE
          ? "none"
          : "unknown";
    return {
      changes,
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(ref: ResourceRef, inputs: Properties): Promise<{ id: string; outputs: Properties }> {
    const request = new provproto.CreateRequest();
    request.setUrn(ref.urn).setType(ref.type).setName(ref.name);
    request.setProperties(toStruct(inputs));
    const response = await rpc<provproto.CreateResponse>(
      (callback) => this.client.create(request, callback),
      `Create ${ref.urn}`,
    );
    return { id: response.getId(), outputs: fromStruct(response.getProperties()) };
  }

  async update(
    ref: ResourceRef,
    id: string,
    olds: Properties,
    news: Properties,
    oldInputs: Properties,
    ignoreChanges: readonly string[],
  ): Promise<Properties> {
    const request = new provproto.UpdateRequest();
    request.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id);
    request.setOlds(toStruct(olds));
    request.setNews(toStruct(news));
    request.setOldInputs(toStruct(oldInputs));
    request.setIgnorechangesList([...ignoreChanges]);
    const response = await rpc<provproto.UpdateResponse>(
      (callback) => this.client.update(request, callback),
      `Update ${ref.urn}`,
    );
    return fromStruct(response.getProperties());
  }

  /** `pulumi refresh` of one resource: the provider's read of the live object; an empty id means it is gone. */
  async read(
    ref: ResourceRef,
    id: string,
    outputs: Properties,
    inputs: Properties,
  ): Promise<{ id: string; outputs: Properties; inputs: Properties }> {
    const request = new provproto.ReadRequest();
    request.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id);
    request.setProperties(toStruct(outputs));
    request.setInputs(toStruct(inputs));
    const response = await rpc<provproto.ReadResponse>(
      (callback) => this.client.read(request, callback),
      `Read ${ref.urn}`,
    );
    return {
      id: response.getId(),
      outputs: fromStruct(response.getProperties()),
      inputs: fromStruct(response.getInputs()),
    };
  }

  async delete(
    ref: ResourceRef,
    id: string,
    outputs: Properties,
    oldInputs: Properties,
  ): Promise<void> {
    const request = new provproto.DeleteRequest();
    request.setUrn(ref.urn).setType(ref.type).setName(ref.name).setId(id);
    request.setProperties(toStruct(outputs));
    request.setOldInputs(toStruct(oldInputs));
    await rpc<unknown>((callback) => this.client.delete(request, callback), `Delete ${ref.urn}`);
  }

  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    await exited;
  }
}
