import { buildFederatedSubgraph, type SubgraphDefinition } from '../shared/build-subgraph.js';
import { resolveCallbackDeliveryReference } from './callback-delivery.reference.js';
import { CallbackDeliveryResolver } from './callback-delivery.resolver.js';
import { MerchantOrdersResolver } from './merchant-orders.resolver.js';
import { resolveMerchantReference } from './merchant.reference.js';
import { resolvePaymentReportReference } from './payment-report.reference.js';
import { PaymentReportResolver } from './payment-report.resolver.js';
import { resolvePayInOrderReference } from './payin-order.reference.js';
import { PayInOrderResolver } from './payin-order.resolver.js';
import { PayoutMutations } from './payout.mutations.js';
import { resolvePayoutReference } from './payout.reference.js';
import { PayoutResolver } from './payout.resolver.js';

/**
 * The orders subgraph: pay-ins, payouts, monitor payment reports (matched and unmatched),
 * callback deliveries with every attempt, and the `orders`/`payouts`/`paymentReports`/
 * `callbackDeliveries` connections it adds to `Merchant`. Channels and
 * collection accounts are referenced by key and resolved by the configs subgraph.
 */
export function buildOrdersSubgraph(): Promise<SubgraphDefinition> {
  return buildFederatedSubgraph('orders', {
    resolvers: [PayInOrderResolver, PayoutResolver, CallbackDeliveryResolver, PaymentReportResolver, MerchantOrdersResolver, PayoutMutations],
    references: {
      Merchant: resolveMerchantReference,
      PayInOrder: resolvePayInOrderReference,
      Payout: resolvePayoutReference,
      CallbackDelivery: resolveCallbackDeliveryReference,
      PaymentReport: resolvePaymentReportReference,
    },
  });
}
