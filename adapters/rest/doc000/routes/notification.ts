import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Core } from '../../../../core/core.js';
import { authenticateMerchant } from '../callers.js';
import { sendOk } from '../envelope.js';
import { readForwardedMessage } from '../forwarded-message.js';
import { readParams, requestParams, requiredText, sign, timestamp } from '../params.js';

const notificationSchema = z.object({
  from: requiredText(128),
  content: requiredText(20_000),
  timestamp,
  sign,
});

/**
 * `POST /api/report/{pid}` (GET too, for SmsForwarder's GET mode): a forwarded notification
 * or SMS. Signed by the document's MD5 rule or by SmsForwarder's own HMAC-SHA256 rule with
 * the same merchant key. Stored, parsed, and a recognised payment is matched like `/pc`.
 */
export function registerNotificationRoutes(app: FastifyInstance, core: Core): void {
  const handler = async (req: FastifyRequest<{ Params: { pid: string } }>, reply: FastifyReply) => {
    const params = requestParams(req);
    const input = readParams(notificationSchema, params);
    const read = readForwardedMessage(params);
    const { merchant, guard } = await authenticateMerchant(core, req.params.pid, params, input.timestamp, { allowSmsForwarder: true });
    const outcome = await core.monitorReports.receiveNotification(
      core.em(),
      { merchantId: merchant.id, source: input.from, format: read.format, content: String(params.content), message: read.message, deviceName: read.deviceName },
      guard,
    );
    return sendOk(reply, {
      notification_id: outcome.notification.id,
      parser: outcome.parser,
      report_id: outcome.report?.report.id ?? null,
      status: outcome.report ? (outcome.report.order ? 'matched' : 'unmatched') : 'stored',
      order_id: outcome.report?.order?.publicId ?? null,
    });
  };
  app.get('/:pid', handler);
  app.post('/:pid', handler);
}
