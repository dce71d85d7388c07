import { buildFederatedSubgraph, type SubgraphDefinition } from '../shared/build-subgraph.js';
import { resolveChannelReference } from './channel.reference.js';
import { ChannelResolver } from './channel.resolver.js';
import { resolveCollectionAccountReference } from './collection-account.reference.js';
import { CollectionAccountResolver } from './collection-account.resolver.js';
import { MerchantAccountsResolver } from './merchant-accounts.resolver.js';
import { resolveMerchantReference } from './merchant.reference.js';
import { PluginResolver } from './plugin.resolver.js';

/**
 * The configs subgraph: the channel table, collection accounts (and `Merchant.collectionAccounts`),
 * and the payment channel plugins installed with their option schemas.
 */
export function buildConfigsSubgraph(): Promise<SubgraphDefinition> {
  return buildFederatedSubgraph('configs', {
    resolvers: [ChannelResolver, CollectionAccountResolver, MerchantAccountsResolver, PluginResolver],
    references: {
      Channel: resolveChannelReference,
      CollectionAccount: resolveCollectionAccountReference,
      Merchant: resolveMerchantReference,
    },
  });
}
