import type { Core } from '../../core/core.js';
import type { PayInOrder, Payout } from '../../core/entities/index.js';
import { callbackProfile } from '../../core/services/callback-profiles.js';
import type { IssuedMerchant } from '../../core/services/merchants.js';

/**
 * Fixtures for GraphQL tests, made only through core services (as the REST faces and the
 * workers make them), never with SQL.
 */
export function createShop(core: Core, name: string): Promise<IssuedMerchant> {
  return core.merchants.create(core.em(), { name });
}

let mrnSeq = 0;

export async function openPayIn(core: Core, merchantId: number, amount: number, channelId = 1): Promise<PayInOrder> {
  const { order } = await core.payins.create(core.em(), {
    merchantId,
    mrn: `gql-${process.pid}-${++mrnSeq}`,
    channelId,
    amount,
    callbackUrl: 'http://127.0.0.1:9/callback',
    returnUrl: 'http://127.0.0.1:9/return',
    baseUrl: 'http://127.0.0.1:3000',
  });
  return order;
}

/** Pays a pay-in as a channel would (ledger credit, callback owed). */
export async function payPayIn(core: Core, order: PayInOrder): Promise<void> {
  await core.payins.settle(core.em(), order.publicId, { amountReceived: order.payableAmount, upstreamTradeNo: `up-${order.id}`, source: 'test' });
}

/** A paid pay-in with its owed callback's delivery id. */
export async function paidPayIn(core: Core, merchantId: number, amount: number, channelId = 1): Promise<{ order: PayInOrder; deliveryId: string }> {
  const order = await openPayIn(core, merchantId, amount, channelId);
  await payPayIn(core, order);
  const [delivery] = await core.callbacks.forSubject(core.em(), { type: 'payin', id: order.publicId });
  return { order, deliveryId: delivery!.id };
}

/** Records one attempt at a delivery as the delivery worker does (doc004: only 200 + `success` acknowledges). */
export async function recordAttempt(core: Core, deliveryId: string, number: number, reply: { httpStatus: number | null; body: string }): Promise<void> {
  await core.callbacks.recordAttempt(core.em(), {
    deliveryId,
    number,
    profile: callbackProfile('doc004'),
    outcome: {
      startedAt: new Date(),
      latencyMs: 7,
      httpStatus: reply.httpStatus,
      reply: reply.body,
      replyTruncated: false,
      error: reply.httpStatus === null ? 'connect ECONNREFUSED' : null,
    },
  });
}

export function openPayout(core: Core, merchantId: number, amount: number): Promise<Payout> {
  return core.payouts.create(
    core.em(),
    {
      merchantId,
      mrn: `gql-po-${process.pid}-${++mrnSeq}`,
      amount,
      bankName: 'Test Bank',
      accountName: 'Zhang San',
      accountNumber: '6222000011112222',
      callbackUrl: 'http://127.0.0.1:9/payout-callback',
    },
    'cli',
  );
}
