import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Core } from '../../../../core/core.js';
import { MONITOR_PAY_TYPES } from '../../../../core/services/collection-accounts.js';
import type { ReportOutcome } from '../../../../core/services/report-matching.js';
import { authenticateMerchant } from '../callers.js';
import { sendOk } from '../envelope.js';
import { fenAmount, optionalRowId, optionalText, readParams, requestParams, requiredText, sign, timestamp, unsignedFields } from '../params.js';

export const payType = requiredText(16).pipe(z.enum(MONITOR_PAY_TYPES, { errorMap: () => ({ message: `must be one of ${MONITOR_PAY_TYPES.join(', ')}` }) }));

const pcSchema = z.object({
  amount: fenAmount,
  pay_type: payType,
  channel_code: requiredText(32),
  remark: optionalText(255),
  pay_time: optionalText(64),
  coll_user: optionalText(64),
  pay_user: optionalText(64),
  uid: optionalText(64),
  order_id: optionalText(64),
  out_order_id: optionalText(64),
  channel_account_id: optionalRowId,
  timestamp,
  sign,
});

/** What a report answers in `data`: which report it became and whether it paid an order. */
export function reportData(outcome: ReportOutcome): Record<string, unknown> {
  return {
    report_id: outcome.report.id,
    status: outcome.order ? 'matched' : 'unmatched',
    order_id: outcome.order?.publicId ?? null,
    reason: outcome.reason,
  };
}

/**
 * `GET|POST /api/report/{pid}/pc`: a received payment. `out_order_id` is paymesh's order (its
 * public id); `order_id` the payment's id upstream; `amount` integer fen.
 */
export function registerPaymentReportRoutes(app: FastifyInstance, core: Core): void {
  const handler = async (req: FastifyRequest<{ Params: { pid: string } }>, reply: FastifyReply) => {
    const params = requestParams(req);
    const input = readParams(pcSchema, params);
    const { merchant, guard } = await authenticateMerchant(core, req.params.pid, params, input.timestamp);
    const outcome = await core.monitorReports.reportPayment(
      core.em(),
      {
        merchantId: merchant.id,
        amount: input.amount,
        payType: input.pay_type,
        channelCode: input.channel_code,
        collectionAccountId: input.channel_account_id,
        accountName: input.coll_user,
        orderRef: input.out_order_id,
        upstreamOrderId: input.order_id,
        identity: {
          amount: input.amount,
          pay_type: input.pay_type,
          channel_code: input.channel_code,
          channel_account_id: input.channel_account_id,
          coll_user: input.coll_user,
          pay_user: input.pay_user,
          uid: input.uid,
          order_id: input.order_id,
          out_order_id: input.out_order_id,
          pay_time: input.pay_time,
          remark: input.remark,
        },
        fields: unsignedFields(params),
      },
      guard,
    );
    return sendOk(reply, reportData(outcome));
  };
  app.get('/:pid/pc', handler);
  app.post('/:pid/pc', handler);
}
