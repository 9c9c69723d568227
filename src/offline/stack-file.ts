import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { SECRET_PLACEHOLDER } from "./mock-runtime";

/** A stack file that cannot be read or is not shaped like one; the message names the file. */
export class StackFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StackFileError";
  }
}

export interface StackFileConfig {
  readonly file: string;
  /** Config as the Pulumi CLI hands it to a program: structured values as JSON text. */
  readonly config: Record<string, string>;
  /** Keys holding `secure:` values, which stay encrypted: the plan sees "[secret]". */
  readonly secretKeys: string[];
}

function containsSecure(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return true;
  return Object.values(value).some(containsSecure);
}

function replaceSecure(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) return SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(replaceSecure);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replaceSecure(inner)]));
}

/** Reads `Pulumi.<stack>.yaml` the way the CLI would, without decrypting anything. */
export function readStackFile(projectDir: string, stack: string): StackFileConfig {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StackFileError(`Cannot read stack file ${path.basename(file)}: ${(error as Error).message}`, { cause: error });
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackFileError(`${path.basename(file)}: "config" must be a map of keys to values.`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    if (containsSecure(raw)) secretKeys.push(key);
    const value = replaceSecure(raw);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { file: path.basename(file), config: values, secretKeys };
}
