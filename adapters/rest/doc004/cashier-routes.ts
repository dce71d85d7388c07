import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { formatFenAsYuan } from '../../../core/money/fen.js';
import type { RestAdapterOptions } from '../adapter.js';
import { renderCashierPage, renderErrorPage, type CashierView } from './cashier-page.js';
import { toRefusal } from './errors.js';
import { pageSecurityPolicy } from './html.js';
import { payUrlOf, submitPayIn } from './payin-submit.js';

function sendPage(reply: FastifyReply, status: number, nonce: string, html: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', pageSecurityPolicy(nonce))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .type('text/html; charset=utf-8')
    .send(html);
}

/**
 * The browser-facing routes: `POST /api/Pay` (the document's page mode: a merchant page
 * posts the form, the payer's browser follows) answers 303 to the cashier page, or a small
 * HTML error page (HTTP 400) for a refusal; `GET /api/Pay?id=` is the cashier page itself.
 */
export const cashierRoutes: FastifyPluginAsync<RestAdapterOptions> = async (app, { core }) => {
  app.setErrorHandler((err, req, reply) => {
    const refusal = toRefusal(err);
    if (refusal.httpStatus >= 500) req.log.error({ err }, 'doc004 cashier route failed');
    const status = refusal.httpStatus >= 500 ? 500 : 400;
    const nonce = randomBytes(16).toString('base64');
    return sendPage(reply, status, nonce, renderErrorPage('支付请求被拒绝 · Payment request refused', `${refusal.code}: ${refusal.message}`, nonce));
  });

  app.post('/api/Pay', async (req, reply) => {
    const order = await submitPayIn(core, req);
    return reply.redirect(payUrlOf(order), 303);
  });

  app.get<{ Querystring: { id?: unknown } }>('/api/Pay', async (req, reply) => {
    const nonce = randomBytes(16).toString('base64');
    const id = req.query.id;
    const order = typeof id === 'string' && id.length <= 32 ? await core.payins.byPublicId(core.em(), id) : null;
    if (!order) return sendPage(reply, 404, nonce, renderErrorPage('订单不存在 · Order not found', 'No such order.', nonce));
    const action = order.payAction as CashierView['action'] & { simulatePaymentPath?: string } | null;
    const view: CashierView = {
      publicId: order.publicId,
      mrn: order.mrn,
      payableYuan: formatFenAsYuan(order.payableAmount),
      amountShifted: order.payableAmount !== order.originAmount,
      status: core.payins.statusAt(order),
      expiresInMs: order.expiresAt.getTime() - Date.now(),
      returnUrl: order.returnUrl,
      action,
      // Offered only while the sandbox is on: its payer side does not exist otherwise.
      simulatePaymentPath: core.config.SANDBOX_CHANNEL ? (action?.simulatePaymentPath ?? null) : null,
      statusUrl: `/api/Pay/Status?id=${encodeURIComponent(order.publicId)}`,
    };
    return sendPage(reply, 200, nonce, await renderCashierPage(view, nonce));
  });
};
