import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { CallbackDeliveryConnection, type CallbackDeliveryNode } from './callback-delivery.type.js';
import { deliveryPage } from './callback-delivery.resolver.js';
import { CallbackDeliveryFilterArgs, PayInOrderFilterArgs, PayoutFilterArgs } from './order-filters.js';
import { payInPage } from './payin-order.resolver.js';
import { PayInOrderConnection, type PayInOrderNode } from './payin-order.type.js';
import { PaymentReportFilterArgs, reportPage } from './payment-report.resolver.js';
import { PaymentReportConnection, type PaymentReportNode } from './payment-report.type.js';
import { payoutPage } from './payout.resolver.js';
import { PayoutConnection, type PayoutNode } from './payout.type.js';
import { MerchantRef } from './references.type.js';

/** The orders subgraph's fields on `Merchant` (the root was access-checked by merchant.reference.ts). */
@Resolver(() => MerchantRef)
export class MerchantOrdersResolver {
  @FieldResolver(() => PayInOrderConnection, { description: 'Pay-ins of this merchant, newest first.' })
  async orders(@Root() merchant: MerchantRef, @Args(() => PayInOrderFilterArgs) args: PayInOrderFilterArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<PayInOrderNode>> {
    return payInPage(ctx, merchant.merchantId, args);
  }

  @FieldResolver(() => PayoutConnection, { description: 'Payouts of this merchant, newest first.' })
  async payouts(@Root() merchant: MerchantRef, @Args(() => PayoutFilterArgs) args: PayoutFilterArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<PayoutNode>> {
    return payoutPage(ctx, merchant.merchantId, args);
  }

  @FieldResolver(() => CallbackDeliveryConnection, { description: 'Callbacks owed to this merchant, newest first.' })
  async callbackDeliveries(
    @Root() merchant: MerchantRef,
    @Args(() => CallbackDeliveryFilterArgs) args: CallbackDeliveryFilterArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Connection<CallbackDeliveryNode>> {
    return deliveryPage(ctx, merchant.merchantId, args);
  }

  @FieldResolver(() => PaymentReportConnection, { description: 'Monitor payment reports of this merchant, newest first (UNMATCHED: to review).' })
  async paymentReports(
    @Root() merchant: MerchantRef,
    @Args(() => PaymentReportFilterArgs) args: PaymentReportFilterArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Connection<PaymentReportNode>> {
    return reportPage(ctx, merchant.merchantId, args);
  }
}
