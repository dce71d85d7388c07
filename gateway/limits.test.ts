import { buildSchema, Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation, UNPAGED_LIST_SIZE } from './limits.js';

const schema = buildSchema(`
  type Query { shop(id: ID!): Shop shops(first: Int = 20): ShopConnection! }
  type ShopConnection { edges: [ShopEdge!]! }
  type ShopEdge { node: Shop! }
  type Shop { name: String! tags: [String!]! orders(first: Int = 20): OrderConnection! }
  type OrderConnection { edges: [OrderEdge!]! totalCount: Int! }
  type OrderEdge { node: Order! }
  type Order { amount: Int! attempts: [Attempt!]! }
  type Attempt { status: String! }
`);

function measure(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return measureOperation(schema, operation, fragments, variables);
}

describe('operation depth and cost', () => {
  it('counts depth in fields and ignores introspection', () => {
    expect(measure('{ shop(id: 1) { name } }').depth).toBe(2);
    expect(measure('{ __schema { types { fields { type { ofType { ofType { name } } } } } } shop(id: 1) { name } }').depth).toBe(2);
  });

  it('multiplies what a page selects by its `first` (literal, variable or default), not again by its edges list', () => {
    // shops: 1 + 3 × (edges 1 + node (1 + name 1)) = 1 + 3 × 3 = 10
    expect(measure('{ shops(first: 3) { edges { node { name } } } }').cost).toBe(10);
    expect(measure('query($n: Int) { shops(first: $n) { edges { node { name } } } }', { n: 3 }).cost).toBe(10);
    expect(measure('{ shops { edges { node { name } } } }').cost).toBe(1 + 20 * 3);
  });

  it('nests page sizes and counts other lists as UNPAGED_LIST_SIZE items', () => {
    // attempts: 1 + 10 × status 1 = 11; order node: 1 + amount 1 + 11 = 13; orders(2): 1 + 2 × (edges 1 + 13) = 29
    // shop node: 1 + 29 = 30; shops(5): 1 + 5 × (edges 1 + 30) = 156
    const source = '{ shops(first: 5) { edges { node { orders(first: 2) { edges { node { amount attempts { status } } } } } } } }';
    expect(UNPAGED_LIST_SIZE).toBe(10);
    expect(measure(source)).toEqual({ depth: 8, cost: 156 });
  });

  it('follows fragments and inline fragments', () => {
    const viaFragment = measure('{ shops(first: 3) { ...Page } } fragment Page on ShopConnection { edges { node { ... on Shop { name } } } }');
    expect(viaFragment).toEqual(measure('{ shops(first: 3) { edges { node { name } } } }'));
  });
});
