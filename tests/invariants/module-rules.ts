import type { Rule } from "../../src/invariants/rule-kit";

function isRule(value: unknown): value is Rule {
  if (typeof value !== "object" || value === null) return false;
  const { id, description, evaluate } = value as Partial<Rule>;
  return (
    typeof id === "string" && typeof description === "string" && typeof evaluate === "function"
  );
}

/** The rules a module exports, by export name. */
export function rulesExportedBy(module: Record<string, unknown>): [name: string, rule: Rule][] {
  return Object.entries(module).filter((entry): entry is [string, Rule] => isRule(entry[1]));
}
