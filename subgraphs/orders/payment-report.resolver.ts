import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PaymentReport, PayInOrder, type PaymentReportStatus } from '../../core/entities/index.js';
import { paginate, type Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { merchantScope, notFound, numericId, requireAdmin, requireIdentity, requireMerchantAccess } from '../shared/guards.js';
import { actorOf } from '../shared/identity.js';
import { PaymentReportStatusEnum } from './enums.js';
import { createdWindow, CreatedWindowArgs } from './order-filters.js';
import { PayInOrderNode, toPayInOrderNode } from './payin-order.type.js';
import { PaymentReportConnection, PaymentReportNode, toPaymentReportNode } from './payment-report.type.js';

@ArgsType()
export class PaymentReportFilterArgs extends CreatedWindowArgs {
  @Field(() => PaymentReportStatusEnum, { nullable: true, description: 'UNMATCHED: the review queue.' })
  status?: PaymentReportStatus | null;
}

@ArgsType()
class PaymentReportsArgs extends PaymentReportFilterArgs {
  @Field(() => ID, { nullable: true, description: 'Admin: only this merchant (all when omitted). Merchants always see only their own.' })
  merchantId?: string | null;
}

/** Loads a report the caller may see (admin, or its merchant), or throws NOT_FOUND. */
export async function visibleReport(ctx: SubgraphContext, id: string): Promise<PaymentReport> {
  const report = (await ctx.em.findOne(PaymentReport, { id: numericId(id, 'payment report') })) ?? notFound('payment report');
  requireMerchantAccess(ctx, report.merchant.id, 'payment report');
  return report;
}

/** Reports newest first; the time filters apply to `receivedAt`. */
export function reportPage(ctx: SubgraphContext, merchantId: number | undefined, args: PaymentReportFilterArgs): Promise<Connection<PaymentReportNode>> {
  const where = { ...(merchantId === undefined ? {} : { merchant: merchantId }), ...createdWindow(args, 'receivedAt'), ...(args.status ? { status: args.status } : {}) };
  return paginate(ctx.em, PaymentReport, where, args, { toNode: toPaymentReportNode });
}

@Resolver(() => PaymentReportNode)
export class PaymentReportResolver {
  @Query(() => PaymentReportNode, { nullable: true })
  async paymentReport(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<PaymentReportNode> {
    return toPaymentReportNode(await visibleReport(ctx, id));
  }

  @Query(() => PaymentReportConnection, { description: 'Monitor payment reports, newest first; `status: UNMATCHED` is the review queue.' })
  async paymentReports(@Args(() => PaymentReportsArgs) args: PaymentReportsArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<PaymentReportNode>> {
    return reportPage(ctx, merchantScope(ctx, args.merchantId == null ? undefined : numericId(args.merchantId, 'merchant')), args);
  }

  @FieldResolver(() => PayInOrderNode, { nullable: true, description: 'The pay-in it paid (matched or attached).' })
  async order(@Root() report: PaymentReportNode, @Ctx() ctx: SubgraphContext): Promise<PayInOrderNode | null> {
    if (report.orderDbId === null) return null;
    const order = await ctx.em.findOne(PayInOrder, { id: report.orderDbId });
    return order ? toPayInOrderNode(order, ctx.core.payins.statusAt(order)) : null;
  }

  @Mutation(() => PaymentReportNode, {
    description: "Review: attaches an unmatched report to one of its merchant's pay-ins and pays it, if still payable (admin). Audited.",
  })
  async attachPaymentReport(
    @Arg('reportId', () => ID) reportId: string,
    @Arg('orderId', () => ID, { description: 'Public id of the pay-in.' }) orderId: string,
    @Ctx() ctx: SubgraphContext,
  ): Promise<PaymentReportNode> {
    requireAdmin(ctx);
    const report = await visibleReport(ctx, reportId);
    const outcome = await ctx.core.reportMatching.attach(ctx.em, report.merchant.id, report.id, orderId, actorOf(requireIdentity(ctx)));
    // The outcome carries the verdict only; the answer is the whole report as now stored.
    const attached = await ctx.core.reportMatching.byId(ctx.em.fork(), report.merchant.id, outcome.report.id);
    if (!attached) throw new Error(`payment report ${outcome.report.id} vanished after it was attached`);
    return toPaymentReportNode(attached);
  }
}
