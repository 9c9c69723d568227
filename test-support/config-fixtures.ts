import * as path from "node:path";
import {
  parseStackConfig,
  projectConfigValues,
  StackConfigError,
  type StackConfig,
} from "../src/config";
import { readStackFile } from "../src/stack-file";

const ROOT = path.resolve(__dirname, "..");

/** One stack's config as a test starts from it: the values, and the keys Pulumi would hold encrypted. */
export interface ConfigFixture {
  readonly stack: string;
  readonly values: Record<string, unknown>;
  readonly secretKeys: readonly string[];
}

/** The committed stack file's values and secret keys, so a test edits only what it is about. */
export function committedConfig(stack: string): ConfigFixture {
  const file = readStackFile(ROOT, stack);
  return { stack, values: projectConfigValues(file.config), secretKeys: file.secretKeys };
}

/** `fixture` with `section` (a top-level key of the project's config) merged with `overrides`. */
export function withSection(
  fixture: ConfigFixture,
  section: string,
  overrides: Record<string, unknown>,
): ConfigFixture {
  const current = fixture.values[section];
  const merged =
    typeof current === "object" && current !== null ? { ...current, ...overrides } : overrides;
  return { ...fixture, values: { ...fixture.values, [section]: merged } };
}

/** `fixture` with top-level values replaced (or removed, when `undefined`). */
export function withValues(fixture: ConfigFixture, values: Record<string, unknown>): ConfigFixture {
  const edited = { ...fixture.values, ...values };
  for (const [key, value] of Object.entries(values)) if (value === undefined) delete edited[key];
  return { ...fixture, values: edited };
}

export function parseFixture(fixture: ConfigFixture): StackConfig {
  return parseStackConfig(fixture.stack, fixture.values, fixture.secretKeys);
}

/** The StackConfigError the fixture's config raises; any other outcome fails the test. */
export function fixtureError(fixture: ConfigFixture): StackConfigError {
  try {
    parseFixture(fixture);
  } catch (error) {
    if (error instanceof StackConfigError) return error;
    throw error;
  }
  throw new Error(`expected a StackConfigError for ${fixture.stack}`);
}
