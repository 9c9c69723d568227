/**
 * `pulumi refresh` of a rehearsed stack: every dynamic resource of the state read back through its
 * provider in the dynamic-provider plugin, as the engine does, and compared with the state.
 */
import type { Properties } from "./dynamic-provider-plugin";
import { isDynamic, refOf, stableJson, withPlugin, type RehearsalState } from "./engine";

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
  return withPlugin(options.stack, options.projectDir, async (plugin) => {
    await plugin.configure(options.config);
    const changes: RefreshChange[] = [];
    for (const resource of options.state.values()) {
      if (!isDynamic(resource.type)) continue;
      const ref = refOf(options.stack, resource.type, resource.name);
      const read = await plugin.read(ref, resource.id, resource.outputs, resource.inputs);
      if (read.id === "") changes.push({ name: resource.name, keys: ["gone"] });
      else {
        const keys = changedKeys(resource.outputs, read.outputs);
        if (keys.length > 0) changes.push({ name: resource.name, keys });
      }
    }
    return changes;
  });
}
