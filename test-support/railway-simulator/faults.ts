import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from "graphql";

export type Fault =
  /** Respond with this status without executing; 429 carries a Retry-After header when given. */
  | { kind: "status"; status: 429 | 500 | 502 | 503 | 504; retryAfterSeconds?: number }
  /** Destroy the socket without executing. */
  | { kind: "drop" }
  /** Execute (state changes!) and then destroy the socket before responding. */
  | { kind: "dropAfterExecute" }
  /** Wait, then execute and respond normally. */
  | { kind: "delay"; ms: number }
  /**
   * HTTP 200 with a GraphQL error and no data, without executing: how Railway reports a
   * throttle (`extensions.code: "RATE_LIMITED"`) or "You are creating volumes too quickly"
   * (alchemy `packages/alchemy/src/Railway/transient.ts`).
   */
  | { kind: "graphqlError"; message: string; code?: string };

export interface FaultRule {
  fault: Fault;
  /** Only requests whose document contains this root field match. */
  field?: string;
  /** How many matching requests this rule applies to; defaults to 1. */
  times?: number;
}

interface PendingRule {
  fault: Fault;
  field: string | undefined;
  remaining: number;
}

/** Fault rules waiting to be applied; a request consumes the oldest rule that matches it. */
export class FaultQueue {
  private rules: PendingRule[] = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`FaultRule.times must be a positive integer, got ${times}`);
    this.rules.push({ fault: rule.fault, field: rule.field, remaining: times });
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  take(rootFields: ReadonlySet<string>): Fault | undefined {
    const index = this.rules.findIndex(
      (rule) => rule.field === undefined || rootFields.has(rule.field),
    );
    const rule = this.rules[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules.splice(index, 1);
    return rule.fault;
  }
}

/** Names (not aliases) of the root fields of every operation in the document, through fragments. */
export function rootFieldNames(document: DocumentNode): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const names = new Set<string>();
  const visitedFragments = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        names.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else if (!visitedFragments.has(selection.name.value)) {
        visitedFragments.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet);
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) collect(definition.selectionSet);
  }
  return names;
}
