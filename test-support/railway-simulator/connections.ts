import { RailwayApiError } from "./state.js";

/** Relay-style pagination arguments as Railway's connection fields accept them. */
export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<TNode> {
  edges: Array<{ cursor: string; node: TNode }>;
  pageInfo: PageInfo;
}

function cursorIndex(records: ReadonlyArray<{ id: string }>, cursor: string): number {
  const index = records.findIndex((record) => record.id === cursor);
  if (index === -1) throw new RailwayApiError(`Invalid cursor "${cursor}"`);
  return index;
}

/** Cursors are record ids, so they stay valid while earlier records are deleted. */
export function toConnection<TRecord extends { id: string }, TNode>(
  records: readonly TRecord[],
  args: ConnectionArgs,
  toNode: (record: TRecord) => TNode,
): Connection<TNode> {
  let start = args.after ? cursorIndex(records, args.after) + 1 : 0;
  let end = args.before ? cursorIndex(records, args.before) : records.length;
  if (typeof args.first === "number") end = Math.min(end, start + Math.max(args.first, 0));
  if (typeof args.last === "number") start = Math.max(start, end - Math.max(args.last, 0));
  const page = records.slice(start, end);
  return {
    edges: page.map((record) => ({ cursor: record.id, node: toNode(record) })),
    pageInfo: {
      hasNextPage: end < records.length,
      hasPreviousPage: start > 0,
      startCursor: page[0]?.id ?? null,
      endCursor: page.at(-1)?.id ?? null,
    },
  };
}
