import { isScalarType, type GraphQLScalarType, type GraphQLSchema } from 'graphql';
import { GraphQLISODateTime } from 'type-graphql';
import { FenScalar, JSONObjectScalar } from '../subgraphs/shared/scalars.js';

const implementations: GraphQLScalarType[] = [FenScalar, JSONObjectScalar, GraphQLISODateTime];

/**
 * The gateway builds its schema from the supergraph SDL, where a custom scalar is only a
 * name that accepts any value: `minAmount: 1.5` would pass the gateway and fail inside a
 * subgraph as an error without a code. Giving the gateway's scalars the subgraphs' input
 * parsing makes such input fail validation/coercion at the gateway with the standard
 * GRAPHQL_VALIDATION_FAILED / BAD_USER_INPUT codes, before any subgraph is asked.
 * (Apollo Gateway has no option for scalar implementations, so the loaded schema's
 * scalar types are given them in place; output serialisation is left as it is.)
 */
export function installScalarParsing(schema: GraphQLSchema): void {
  for (const implementation of implementations) {
    const type = schema.getType(implementation.name);
    if (!type || !isScalarType(type)) continue;
    type.parseValue = implementation.parseValue;
    type.parseLiteral = implementation.parseLiteral;
  }
}
