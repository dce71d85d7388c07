import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Core } from '../../../../core/core.js';
import { authenticateThirdParty } from '../callers.js';
import { sendOk } from '../envelope.js';
import { fenAmount, optionalText, readParams, requestParams, requiredInteger, requiredText, sign, timestamp, unsignedFields } from '../params.js';
import { payType, reportData } from './payment-report.js';

const account = requiredText(64);

const thirdReportSchema = z.object({
  account,
  type: requiredInteger,
  sub_account: requiredText(64),
  amount: fenAmount,
  pay_type: payType,
  channel_code: requiredText(32),
  remark: optionalText(255),
  out_order_id: optionalText(64),
  order_id: optionalText(64),
  timestamp,
  sign,
});

const thirdHeartSchema = z.object({ account, type: requiredInteger, timestamp, sign });

/**
 * `GET|POST /api/report/third-account` and `…/third-account/heart`: a third-party account
 * agent, identified by (`account`, `type`) and signing with its own key. Note the document
 * swaps the order-number names here: `order_id` is paymesh's order (平台订单号) and
 * `out_order_id` the external one (外部订单号), the reverse of `/pc`.
 */
export function registerThirdAccountRoutes(app: FastifyInstance, core: Core): void {
  const report = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = requestParams(req);
    const input = readParams(thirdReportSchema, params);
    const agent = await authenticateThirdParty(core, input.account, input.type, params, input.timestamp);
    const outcome = await core.monitorReports.thirdPartyReport(
      core.em(),
      agent.account,
      {
        amount: input.amount,
        payType: input.pay_type,
        channelCode: input.channel_code,
        accountName: input.sub_account,
        orderRef: input.order_id,
        upstreamOrderId: input.out_order_id,
        identity: {
          account: input.account,
          type: input.type,
          sub_account: input.sub_account,
          amount: input.amount,
          pay_type: input.pay_type,
          channel_code: input.channel_code,
          remark: input.remark,
          out_order_id: input.out_order_id,
          order_id: input.order_id,
        },
        fields: unsignedFields(params),
      },
      agent.guard,
    );
    return sendOk(reply, reportData(outcome));
  };
  const heart = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = requestParams(req);
    const input = readParams(thirdHeartSchema, params);
    const agent = await authenticateThirdParty(core, input.account, input.type, params, input.timestamp);
    await core.monitorReports.thirdPartyHeartbeat(core.em(), agent.account, agent.guard);
    return sendOk(reply);
  };
  app.get('/third-account', report);
  app.post('/third-account', report);
  app.get('/third-account/heart', heart);
  app.post('/third-account/heart', heart);
}
