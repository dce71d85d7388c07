import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../subgraphs/shared/connection.js';
import { ErrorCode, requestError } from '../subgraphs/shared/errors.js';

/** A list field without `first` (attempts, credentials) is assumed to hold this many items. */
export const UNPAGED_LIST_SIZE = 10;

export interface OperationMeasure {
  /** Deepest field nesting (`merchant { name }` is 2); introspection fields do not count. */
  depth: number;
  /**
   * Estimated fields resolved: every field costs 1, and what is selected under a field
   * with a `first` argument counts `first` times (under any other list, UNPAGED_LIST_SIZE
   * times; the `edges` list of a page is already counted by its `first`).
   */
  cost: number;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** Measures an operation against the API schema, with its variables. */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown>,
): OperationMeasure {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  if (!root) return { depth: 0, cost: 0 };
  const walk: Walk = { schema, fragments: new Map(fragments.map((f) => [f.name.value, f])), variables };
  return measureSelections(walk, operation.selectionSet, root, false, new Set());
}

function measureSelections(walk: Walk, set: SelectionSetNode, parent: GraphQLCompositeType, inPage: boolean, spreading: Set<string>): OperationMeasure {
  let depth = 0;
  let cost = 0;
  for (const selection of set.selections) {
    let part: OperationMeasure;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const field = fieldOf(parent, selection.name.value);
      if (!field) continue;
      const child = getNamedType(field.type);
      const paged = field.args.some((a) => a.name === 'first');
      const multiplier = paged ? pageSize(walk, field, selection.arguments ?? []) : isListType(getNullableType(field.type)) && !inPage ? UNPAGED_LIST_SIZE : 1;
      const inner = selection.selectionSet && isCompositeType(child) ? measureSelections(walk, selection.selectionSet, child, paged, spreading) : { depth: 0, cost: 0 };
      part = { depth: 1 + inner.depth, cost: 1 + multiplier * inner.cost };
    } else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments.get(selection.name.value) : selection;
      if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && spreading.has(selection.name.value))) continue;
      const typeName = fragment.typeCondition?.name.value;
      const type = typeName ? walk.schema.getType(typeName) : parent;
      if (!type || !isCompositeType(type)) continue;
      const nested = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...spreading, selection.name.value]) : spreading;
      part = measureSelections(walk, fragment.selectionSet, type, inPage, nested);
    }
    depth = Math.max(depth, part.depth);
    cost += part.cost;
  }
  return { depth, cost };
}

function fieldOf(parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

function pageSize(walk: Walk, field: GraphQLField<unknown, unknown>, args: readonly { name: { value: string }; value: ValueNode }[]): number {
  const given = args.find((a) => a.name.value === 'first')?.value;
  let value: unknown = field.args.find((a) => a.name === 'first')?.defaultValue ?? DEFAULT_PAGE_SIZE;
  if (given?.kind === Kind.INT) value = Number(given.value);
  else if (given?.kind === Kind.VARIABLE) value = walk.variables[given.name.value] ?? value;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 1;
}

/**
 * Refuses operations deeper than `maxDepth` (QUERY_TOO_DEEP) or costlier than `maxCost`
 * (QUERY_TOO_COSTLY) before any subgraph is asked anything.
 */
export function operationLimits<TContext extends BaseContext>(limits: { maxDepth: number; maxCost: number }): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
          const measure = measureOperation(schema, operation, fragments, request.variables ?? {});
          if (measure.depth > limits.maxDepth) {
            throw requestError(ErrorCode.QueryTooDeep, `operation is ${measure.depth} fields deep; the limit is ${limits.maxDepth}`, 400);
          }
          if (measure.cost > limits.maxCost) {
            throw requestError(ErrorCode.QueryTooCostly, `operation costs about ${measure.cost}; the limit is ${limits.maxCost} (ask for smaller pages)`, 400);
          }
        },
      };
    },
  };
}
