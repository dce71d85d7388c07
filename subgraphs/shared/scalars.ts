import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * Money in the graph: an integer count of fen (1/100 CNY) as a JSON number. GraphQL's
 * `Int` stops at 2^31-1 fen (about 21 million yuan), too small for balances, so this
 * scalar carries any safe integer (up to 2^53-1) and refuses fractions and strings:
 * conversions are exact or refused, as everywhere in paymesh.
 */
export const FenScalar = new GraphQLScalarType<number, number>({
  name: 'Fen',
  description: 'Integer amount in fen (1 fen = 0.01 CNY), a JSON number; signed where a field says so. Never a float.',
  serialize(value) {
    const n = typeof value === 'bigint' || typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new GraphQLError(`Fen cannot represent ${String(value)}`);
    return n;
  },
  parseValue(value) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new GraphQLError('Fen must be an integer number of fen (e.g. 12345 for 123.45 yuan)');
    }
    return value;
  },
  parseLiteral(ast: ValueNode) {
    const n = ast.kind === Kind.INT ? Number(ast.value) : NaN;
    if (!Number.isSafeInteger(n)) throw new GraphQLError('Fen must be an integer number of fen (e.g. 12345 for 123.45 yuan)', { nodes: ast });
    return n;
  },
});

/** Free-form structured details (audit entries, plugin option schemas); output only. */
export const JSONObjectScalar = new GraphQLScalarType<Record<string, unknown>, Record<string, unknown>>({
  name: 'JSONObject',
  description: 'A JSON object, as returned (output only).',
  serialize(value) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new GraphQLError('JSONObject cannot represent a non-object');
    return value as Record<string, unknown>;
  },
  parseValue() {
    throw new GraphQLError('JSONObject is output only');
  },
  parseLiteral() {
    throw new GraphQLError('JSONObject is output only');
  },
});
