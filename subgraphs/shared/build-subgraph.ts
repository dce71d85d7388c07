import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql';
import type { SubgraphContext } from './context.js';
import { guardAndMapErrors } from './error-middleware.js';
import { toGraphQLError } from './errors.js';

export type SubgraphName = 'merchants' | 'orders' | 'configs';
export const subgraphNames: readonly SubgraphName[] = ['merchants', 'orders', 'configs'];

/** A built subgraph: the SDL it contributes to the supergraph and its executable schema. */
export interface SubgraphDefinition {
  name: SubgraphName;
  typeDefs: DocumentNode;
  schema: GraphQLSchema;
}

/** Resolves an entity representation `{ __typename, <key fields> }` sent by the gateway. */
export type ReferenceResolver = (reference: Record<string, unknown>, ctx: SubgraphContext) => Promise<unknown>;

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

/**
 * type-graphql schema → Federation 2 subgraph: the type-graphql schema is printed with
 * its directives (`@key`, `@shareable`) and rebuilt by `buildSubgraphSchema`, which adds
 * `_service` and `_entities`; the `*.reference.ts` resolvers answer `_entities`.
 */
export async function buildFederatedSubgraph(
  name: SubgraphName,
  parts: {
    resolvers: NonEmptyArray<Function>; // eslint-disable-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own resolver class type
    references: Record<string, ReferenceResolver>;
  },
): Promise<SubgraphDefinition> {
  const schema = await buildSchema({
    resolvers: parts.resolvers,
    orphanedTypes: [],
    globalMiddlewares: [guardAndMapErrors],
    validate: false,
    skipCheck: true,
  });
  const typeDefs = parse(`${FEDERATION_LINK}\n\n${printSchemaWithDirectives(schema)}`);
  const resolvers = createResolversMap(schema) as Record<string, unknown>;
  for (const [typeName, resolve] of Object.entries(parts.references)) {
    const existing = (resolvers[typeName] ?? {}) as Record<string, unknown>;
    resolvers[typeName] = {
      ...existing,
      __resolveReference: (reference: Record<string, unknown>, ctx: SubgraphContext) =>
        resolve(reference, ctx).catch((e: unknown) => {
          throw toGraphQLError(e, (err) => ctx.logError(err));
        }),
    };
  }
  const module = { typeDefs, resolvers } as Parameters<typeof buildSubgraphSchema>[0];
  return { name, typeDefs, schema: buildSubgraphSchema(module) };
}
