import { buildFederatedSubgraph, type SubgraphDefinition } from '../shared/build-subgraph.js';
import { AuditResolver } from './audit.resolver.js';
import { MerchantDevicesResolver } from './merchant-devices.resolver.js';
import { MerchantMutations } from './merchant.mutations.js';
import { resolveMerchantReference } from './merchant.reference.js';
import { MerchantResolver } from './merchant.resolver.js';
import { resolveMonitorClientReference } from './monitor-client.reference.js';
import { ThirdPartyAccountMutations } from './third-party-account.mutations.js';
import { ViewerResolver } from './viewer.resolver.js';

/**
 * The merchants subgraph: merchants, their credentials (masked), balances and ledger,
 * monitor clients and third-party accounts (document 000), the viewer, and the audit
 * trail. Core is reached through the request context, so the schema itself is the same
 * in every process.
 */
export function buildMerchantsSubgraph(): Promise<SubgraphDefinition> {
  return buildFederatedSubgraph('merchants', {
    resolvers: [MerchantResolver, MerchantDevicesResolver, ViewerResolver, MerchantMutations, ThirdPartyAccountMutations, AuditResolver],
    references: { Merchant: resolveMerchantReference, MonitorClient: resolveMonitorClientReference },
  });
}
