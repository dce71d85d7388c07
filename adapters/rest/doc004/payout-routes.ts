import type { FastifyPluginAsync } from 'fastify';
import { MoneyFormatError, parseWholeYuanToFen } from '../../../core/money/fen.js';
import { PAYOUT_REQUEST_FIELDS } from '../../../core/signing/index.js';
import type { RestAdapterOptions } from '../adapter.js';
import { authenticate, signFields } from './auth.js';
import { Doc004Refusal } from './errors.js';
import { queryPayout } from './query-routes.js';
import { useResultEnvelope } from './result-envelope.js';
import { parseRequest, payoutRequestSchema } from './schemas.js';

/** Whole yuan ("必须是整数,单位:元"), more than zero. */
function parsePayoutAmount(text: string): number {
  let fen: number;
  try {
    fen = parseWholeYuanToFen(text);
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new Doc004Refusal('invalid_data', 'amount must be a whole number of yuan');
    throw e;
  }
  if (fen <= 0) throw new Doc004Refusal('invalid_data', 'amount must be more than 0');
  return fen;
}

/**
 * `/api/Payouts/*` (prefix `/api/Payouts`): `POST /Create` answers `{ error: "success",
 * errorMessage: "" }` once the amount is reserved (the callback follows completion);
 * `GET /Query` answers `{ error: "success", result: { Mrn, status } }`.
 */
export const payoutRoutes: FastifyPluginAsync<RestAdapterOptions> = async (app, { core }) => {
  useResultEnvelope(app);

  app.post('/Create', async (req) => {
    const f = parseRequest(payoutRequestSchema, req.body);
    const em = core.em();
    const merchant = await authenticate(core, em, f.appKey, signFields(f, PAYOUT_REQUEST_FIELDS), f.sign);
    await core.payouts.create(
      em,
      {
        merchantId: merchant.id,
        mrn: f.mrn,
        amount: parsePayoutAmount(f.amount),
        bankName: f.bankName,
        accountName: f.accountName,
        accountNumber: f.accountNumber,
        callbackUrl: f.callbackUrl,
      },
      `merchant:${merchant.id}`,
    );
    return { error: 'success', errorMessage: '' };
  });

  app.get('/Query', async (req) => queryPayout(core, req.query));
};
