/** A broken rule: which one, what is wrong, and how to fix it. */
export interface Violation {
  readonly rule: string;
  readonly message: string;
}

/**
 * Outcome of one rule over a whole stack:
 * - `pass`: checked and holds;
 * - `fail`: checked and broken (the plan exits 1, the policy pack blocks);
 * - `not-applicable`: the stack declares nothing the rule is about (said so, never a ✓);
 * - `undecided`: a value it needs is unknown until apply (a preview), so it neither passes nor fails.
 */
export type RuleStatus = "pass" | "fail" | "not-applicable" | "undecided";

export interface RuleResult {
  readonly rule: string;
  readonly status: RuleStatus;
  readonly message: string;
}

export const RULE_MARKS: Readonly<Record<RuleStatus, string>> = {
  pass: "✓",
  fail: "✗",
  "not-applicable": "–",
  undecided: "?",
};
