import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { DEPLOYED_ENVIRONMENTS } from "./invariants/environment";

/** A stack file that cannot be read or is not shaped like one; the message names the file. */
export class StackFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StackFileError";
  }
}

/**
 * What the program receives in place of a `secure:` value: it is never decrypted, and this
 * stand-in is no ciphertext and no "[secret]" either, so a display that forgot to redact a
 * secret shows it (and the tests catch it) instead of looking redacted by accident.
 */
export const SECURE_STAND_IN = "secure-value-not-decrypted";

export interface StackFileConfig {
  readonly file: string;
  /** Config as the Pulumi CLI hands it to a program: structured values as JSON text. */
  readonly config: Record<string, string>;
  /** Keys holding `secure:` values, which stay encrypted: the program sees SECURE_STAND_IN. */
  readonly secretKeys: string[];
  /**
   * The `pulumi config set --path` key (`ns:key.a.b`, `[0]` for list items) of every value held in
   * clear text. Pulumi tells a program only which top-level keys hold a `secure:` value somewhere.
   */
  readonly plainValueKeys: string[];
}

function isSecure(value: object): boolean {
  return !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

function containsSecure(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  return isSecure(value) || Object.values(value).some(containsSecure);
}

function plainLeaves(value: unknown, key: string): string[] {
  if (typeof value !== "object" || value === null) return [key];
  if (isSecure(value)) return [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => plainLeaves(item, `${key}[${index}]`));
  return Object.entries(value).flatMap(([name, inner]) => plainLeaves(inner, `${key}.${name}`));
}

function replaceSecure(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isSecure(value)) return SECURE_STAND_IN;
  if (Array.isArray(value)) return value.map(replaceSecure);
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, replaceSecure(inner)]),
  );
}

/** The stacks this program supports, each with its file name, for error messages. */
export function supportedStacks(): string {
  return DEPLOYED_ENVIRONMENTS.map((stack) => `${stack} (Pulumi.${stack}.yaml)`).join(", ");
}

function missingFileMessage(projectDir: string, file: string): string {
  const present = existsSync(projectDir)
    ? readdirSync(projectDir).filter((name) => /^Pulumi\..+\.yaml$/.test(name))
    : [];
  return (
    `No stack file ${file} in ${projectDir}. The supported stacks are ${supportedStacks()}` +
    (present.length
      ? `; this folder has ${present.join(", ")}.`
      : "; this folder has none (pass --dir <folder>).")
  );
}

/** Reads `Pulumi.<stack>.yaml` the way the CLI would, without decrypting anything. */
export function readStackFile(projectDir: string, stack: string): StackFileConfig {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file))
    throw new StackFileError(missingFileMessage(projectDir, path.basename(file)));
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new StackFileError(
      `Cannot read stack file ${path.basename(file)}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackFileError(`${path.basename(file)}: "config" must be a map of keys to values.`);
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const plainValueKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    if (containsSecure(raw)) secretKeys.push(key);
    plainValueKeys.push(...plainLeaves(raw, key));
    const value = replaceSecure(raw);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { file: path.basename(file), config: values, secretKeys, plainValueKeys };
}
