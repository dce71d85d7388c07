import type { EntityName, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import { ArgsType, Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { ErrorCode, graphqlError } from './errors.js';

/**
 * Relay-style cursor connections, newest first, forward only (`first` + `after`).
 * Cursors are opaque keyset positions (not offsets), so a page never repeats or skips a
 * row when new rows arrive while a client pages.
 */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@Directive('@shareable')
@ObjectType('PageInfo')
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: DEFAULT_PAGE_SIZE, description: `1–${MAX_PAGE_SIZE}` })
  first!: number;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

export interface Edge<N> {
  cursor: string;
  node: N;
}

export interface Connection<N> {
  edges: Edge<N>[];
  pageInfo: PageInfo;
  /** Counted only when asked for (a getter returning a promise). */
  readonly totalCount: Promise<number>;
}

/** Declares `<Name>Connection` and `<Name>Edge` for a node type; call once per node type. */
export function connectionType<N extends object>(node: ClassType<N>, name: string): ClassType<Connection<N>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => node)
    node!: N;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Rows matching the filters, all pages together.' })
    totalCount!: Promise<number>;
  }
  return ConnectionType as ClassType<Connection<N>>;
}

/** A keyset column: the sort is descending on all of them, the last one must be unique. */
export interface SortKey {
  field: string;
  type: 'date' | 'int' | 'string';
}

export const BY_ID: readonly SortKey[] = [{ field: 'id', type: 'int' }];
export const BY_CREATED_THEN_ID: readonly SortKey[] = [
  { field: 'createdAt', type: 'date' },
  { field: 'id', type: 'string' },
];

function encodeCursor(row: Record<string, unknown>, keys: readonly SortKey[]): string {
  const values = keys.map((k) => (k.type === 'date' ? (row[k.field] as Date).getTime() : row[k.field]));
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, keys: readonly SortKey[]): unknown[] {
  const bad = () => graphqlError(ErrorCode.BadUserInput, 'invalid cursor: pass an `endCursor` exactly as received');
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(values) || values.length !== keys.length) throw bad();
  return keys.map((k, i) => {
    const v = values[i];
    if (k.type === 'string') {
      if (typeof v !== 'string' || v.length > 64) throw bad();
      return v;
    }
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad();
    return k.type === 'date' ? new Date(v) : v;
  });
}

/** Rows strictly after the cursor position in (k1 desc, k2 desc, …) order. */
function afterPosition(keys: readonly SortKey[], values: unknown[]): Record<string, unknown> {
  const branches = keys.map((k, i) => {
    const branch: Record<string, unknown> = {};
    for (let j = 0; j < i; j++) branch[keys[j]!.field] = values[j];
    branch[k.field] = { $lt: values[i] };
    return branch;
  });
  return { $or: branches };
}

export function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw graphqlError(ErrorCode.BadUserInput, `first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  }
}

/** One page of `entity` rows matching `where`, mapped to graph nodes. */
export async function paginate<E extends object, N>(
  em: EntityManager,
  entity: EntityName<E>,
  where: FilterQuery<E>,
  page: { first: number; after?: string | null },
  options: { keys?: readonly SortKey[]; toNode: (row: E) => N; populate?: readonly string[] },
): Promise<Connection<N>> {
  checkPageSize(page.first);
  const keys = options.keys ?? BY_ID;
  const position = page.after ? afterPosition(keys, decodeCursor(page.after, keys)) : null;
  const filtered = (position ? { $and: [where, position] } : where) as FilterQuery<E>;
  const orderBy = Object.fromEntries(keys.map((k) => [k.field, 'desc']));
  const rows = await em.find(entity, filtered, {
    orderBy: orderBy as never,
    limit: page.first + 1,
    ...(options.populate ? { populate: options.populate as never } : {}),
  });
  const visible = rows.slice(0, page.first);
  const edges = visible.map((row) => ({ cursor: encodeCursor(row as Record<string, unknown>, keys), node: options.toNode(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      return em.count(entity, where);
    },
  };
}
