import type { SubgraphContext } from '../shared/context.js';
import { toNode, visibleCollectionAccount } from './collection-account.resolver.js';
import type { CollectionAccountNode } from './collection-account.type.js';

/** `CollectionAccount @key(fields: "id")`, referenced by pay-ins and payment reports: only the admin or its merchant. */
export async function resolveCollectionAccountReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<CollectionAccountNode> {
  return toNode(ctx, await visibleCollectionAccount(ctx, String(reference.id)));
}
