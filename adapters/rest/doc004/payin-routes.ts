import type { FastifyPluginAsync } from 'fastify';
import type { RestAdapterOptions } from '../adapter.js';
import { Doc004Refusal, toRefusal } from './errors.js';
import { payUrlOf, submitPayIn } from './payin-submit.js';

/** `{ success, errorMsg, payUrl }`: all three always present, `""` where not applicable. */
export function payInEnvelope(refusal: Doc004Refusal): { success: false; errorMsg: string; payUrl: string } {
  return { success: false, errorMsg: `${refusal.code}: ${refusal.message}`, payUrl: '' };
}

/**
 * `/api/Pay/*` JSON routes (registered under the `/api/Pay` prefix): `POST /api/Pay/Create`
 * and the cashier's status poll `GET /api/Pay/Status?id=`. Refusals answer HTTP 200 with
 * `success: false` (what such clients check); unknown paths 404 in the same envelope.
 */
export const payInJsonRoutes: FastifyPluginAsync<RestAdapterOptions> = async (app, { core }) => {
  app.setErrorHandler((err, req, reply) => {
    const refusal = toRefusal(err);
    if (refusal.httpStatus >= 500) req.log.error({ err }, 'doc004 pay-in route failed');
    return reply.code(refusal.httpStatus).send(payInEnvelope(refusal));
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(payInEnvelope(new Doc004Refusal('not_found', 'no such route', 404))));

  app.post('/Create', async (req) => {
    const order = await submitPayIn(core, req);
    return { success: true, errorMsg: '', payUrl: payUrlOf(order) };
  });

  // The cashier page polls this; it reveals only what the page itself shows.
  app.get<{ Querystring: { id?: unknown } }>('/Status', async (req, reply) => {
    const id = req.query.id;
    const order = typeof id === 'string' && id.length <= 32 ? await core.payins.byPublicId(core.em(), id) : null;
    if (!order) return reply.code(404).send(payInEnvelope(new Doc004Refusal('not_found', 'no such order', 404)));
    const status = core.payins.statusAt(order);
    reply.header('cache-control', 'no-store');
    return { status, expiresInMs: Math.max(0, order.expiresAt.getTime() - Date.now()) };
  });
};
