/**
 * `pulumi refresh` of a rehearsed stack: every dynamic resource of the state read back through its
 * provider in the dynamic-provider plugin, as the engine does, and compared with the state.
 */
import { PROJECT_NAME } from "../../src/config";
import { DynamicProviderPlugin, type Properties } from "./dynamic-provider-plugin";
import { PROJECT_DIR, stableJson, type RehearsalState } from "./engine";

export interface RefreshChange {
  readonly name: string;
  /** The top-level output keys whose value the read changed, or "gone". */
  readonly keys: readonly string[];
}

function changedKeys(before: Properties, after: Properties): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => key !== "__provider" && stableJson(before[key]) !== stableJson(after[key]))
    .sort();
}

/** The resources whose refresh would record a change; empty when the live system equals the state. */
export async function rehearseRefresh(options: {
  stack: string;
  config: Record<string, string>;
  state: RehearsalState;
  projectDir?: string;
}): Promise<RefreshChange[]> {
  const plugin = await DynamicProviderPlugin.start({
    cwd: options.projectDir ?? PROJECT_DIR,
    project: PROJECT_NAME,
    stack: options.stack,
  });
  try {
    await plugin.configure(options.config);
    const changes: RefreshChange[] = [];
    for (const resource of options.state.values()) {
      if (!resource.type.startsWith("pulumi-nodejs:dynamic")) continue;
      const ref = {
        urn: `urn:pulumi:${options.stack}::${PROJECT_NAME}::${resource.type}::${resource.name}`,
        type: resource.type,
        name: resource.name,
      };
      const read = await plugin.read(ref, resource.id, resource.outputs, resource.inputs);
      if (read.id === "") changes.push({ name: resource.name, keys: ["gone"] });
      else {
        const keys = changedKeys(resource.outputs, read.outputs);
        if (keys.length > 0) changes.push({ name: resource.name, keys });
      }
    }
    return changes;
  } finally {
    await plugin.close();
  }
}
