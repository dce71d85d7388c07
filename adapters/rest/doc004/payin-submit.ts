import type { FastifyRequest } from 'fastify';
import type { Core } from '../../../core/core.js';
import type { PayInOrder } from '../../../core/entities/index.js';
import { MoneyFormatError, parseYuanToFen } from '../../../core/money/fen.js';
import { PAYIN_REQUEST_FIELDS } from '../../../core/signing/index.js';
import { authenticate, signFields } from './auth.js';
import { Doc004Refusal } from './errors.js';
import { parseRequest, payInRequestSchema } from './schemas.js';

/** Path-only pay URL, as the document asks ("仅包含URL中的Path和QueryString部分"). */
export function payUrlOf(order: PayInOrder): string {
  return `/api/Pay?id=${encodeURIComponent(order.publicId)}`;
}

/** Where payers reach this server: PUBLIC_BASE_URL, else the request's own scheme and host. */
export function baseUrlOf(core: Core, req: FastifyRequest): string {
  return core.config.PUBLIC_BASE_URL ?? `${req.protocol}://${req.host}`;
}

/** Yuan with at most 2 decimals, more than zero; anything else is invalid data (never rounded). */
export function parsePayInAmount(text: string): number {
  let fen: number;
  try {
    fen = parseYuanToFen(text);
  } catch (e) {
    if (e instanceof MoneyFormatError) throw new Doc004Refusal('invalid_data', 'amount must be yuan with at most 2 decimals');
    throw e;
  }
  if (fen <= 0) throw new Doc004Refusal('invalid_data', 'amount must be more than 0');
  return fen;
}

/**
 * The pay-in submission shared by `POST /api/Pay` (form) and `POST /api/Pay/Create` (JSON):
 * shape → appKey → sign → amount and channel → core. Returns the order (new, or the existing
 * pending one for a resubmitted mrn with the same amount).
 */
export async function submitPayIn(core: Core, req: FastifyRequest): Promise<PayInOrder> {
  const fields = parseRequest(payInRequestSchema, req.body);
  const em = core.em();
  const merchant = await authenticate(core, em, fields.appKey, signFields(fields, PAYIN_REQUEST_FIELDS), fields.sign);
  const amount = parsePayInAmount(fields.amount);
  if (!/^[0-9]{1,9}$/.test(fields.channelId)) throw new Doc004Refusal('invalid_data', 'channelId must be an integer');
  const { order } = await core.payins.create(em, {
    merchantId: merchant.id,
    mrn: fields.mrn,
    channelId: Number(fields.channelId),
    amount,
    callbackUrl: fields.callbackUrl,
    returnUrl: fields.returnUrl,
    payer: fields.payer ?? null,
    baseUrl: baseUrlOf(core, req),
  });
  return order;
}
