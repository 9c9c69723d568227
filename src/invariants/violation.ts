/** A broken rule: which one, what is wrong, and how to fix it. */
export interface Violation {
  readonly rule: string;
  readonly message: string;
}

/** Outcome of one rule over a whole stack, as printed by the offline plan. */
export interface RuleResult {
  readonly rule: string;
  readonly ok: boolean;
  readonly message: string;
}
