import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../../core/core.js';
import { PayInStatus, PayoutStatus, type PayInOrder, type Payout } from '../../../core/entities/index.js';
import { QUERY_FIELDS } from '../../../core/signing/index.js';
import type { RestAdapterOptions } from '../adapter.js';
import { authenticate, signFields } from './auth.js';
import { Doc004Refusal } from './errors.js';
import { useResultEnvelope } from './result-envelope.js';
import { parseRequest, queryRequestSchema } from './schemas.js';

/** 0 waiting, 1 paid, 2 failed. An expired pay-in reads 0 while a late report may still pay it, then 2. */
export function payInStatusCode(core: Core, order: PayInOrder, now = new Date()): 0 | 1 | 2 {
  if (order.status === PayInStatus.Paid) return 1;
  const status = core.payins.statusAt(order, now);
  if (status === 'pending' || core.payins.withinLateGrace(order, now)) return 0;
  return 2;
}

export function payoutStatusCode(payout: Payout): 0 | 1 | 2 {
  return payout.status === PayoutStatus.Completed ? 1 : payout.status === PayoutStatus.Failed ? 2 : 0;
}

/** `GET /api/Payments/Query` (prefix `/api/Payments`): `{ error: "success", result: { Mrn, status } }`. */
export const paymentQueryRoutes: FastifyPluginAsync<RestAdapterOptions> = async (app, { core }) => {
  useResultEnvelope(app);
  app.get('/Query', async (req) => {
    const q = parseRequest(queryRequestSchema, req.query);
    const em = core.em();
    const merchant = await authenticate(core, em, q.appKey, signFields(q, QUERY_FIELDS), q.sign);
    const order = await core.payins.byMrn(em, merchant.id, q.mrn);
    if (!order) throw new Doc004Refusal('object_not_found', 'no pay-in with this mrn');
    const status = payInStatusCode(core, order);
    if (q.callback && status === 1) await core.payins.resendCallback(em, order);
    return { error: 'success', result: { Mrn: order.mrn, status } };
  });
};

/** `GET /api/Payouts/Query` lives with the payout routes; this is its handler body. */
export async function queryPayout(core: Core, rawQuery: unknown): Promise<{ error: 'success'; result: { Mrn: string; status: 0 | 1 | 2 } }> {
  const q = parseRequest(queryRequestSchema, rawQuery);
  const em = core.em();
  const merchant = await authenticate(core, em, q.appKey, signFields(q, QUERY_FIELDS), q.sign);
  const payout = await core.payouts.find(em, { merchantId: merchant.id, mrn: q.mrn });
  if (!payout) throw new Doc004Refusal('object_not_found', 'no payout with this mrn');
  const status = payoutStatusCode(payout);
  if (q.callback && status === 1) await core.payouts.resendCallback(em, payout);
  return { error: 'success', result: { Mrn: payout.mrn, status } };
}
