import type { StackSnapshot } from "./stack-rules";
import type { RuleResult } from "./violation";

/** Rules on the inputs of the Railway resources a stack declares. */
export function evaluateRailwayRules(_snapshot: StackSnapshot): RuleResult[] {
  return [];
}
