import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { SecretBox } from '../crypto/secret-box.js';
import { CallbackDelivery, CallbackStatus, Merchant, MerchantStatus, Payout, PayoutStatus } from '../entities/index.js';
import type { Fen } from '../money/fen.js';
import { audit, type Actor } from './audit.js';
import { owePayoutCallback } from './doc004-callbacks.js';
import { CoreError, isUniqueViolation } from './errors.js';
import { accountCode, PLATFORM_CLEARING, type LedgerService } from './ledger.js';
import { checkHttpUrl, checkMrn, checkPositiveFen, checkText } from './order-input.js';

export interface CreatePayoutInput {
  merchantId: number;
  /** Merchant reference number: unique per merchant (a second use is `duplicate`). */
  mrn: string;
  /** Fen; document 004 sends whole yuan, so this is a multiple of 100 there (not required here). */
  amount: Fen;
  bankName: string;
  accountName: string;
  accountNumber: string;
  callbackUrl: string;
}

/** Which payout: by public id, or by the merchant's mrn. */
export type PayoutRef = { publicId: string } | { merchantId: number; mrn: string };

function newPublicId(): string {
  return `po_${randomBytes(15).toString('base64url')}`;
}

/**
 * Payouts: money leaving a merchant's balance to a bank account.
 * - `create` reserves the amount (available → reserved, posting `payout:<id>:reserve`) in the
 *   transaction that inserts the payout: `insufficient_balance` leaves nothing written, and the
 *   ledger's conditional update means concurrent payouts can never overdraw.
 * - `complete` (reserved → clearing, `payout:<id>:complete`) owes the document-004 payout callback.
 * - `fail` (reserved → available, `payout:<id>:release`) owes NO callback: the document defines
 *   only the success callback, and its body has no status field, so a merchant would read any
 *   callback as "paid out". A failed payout is visible through the query (status 2).
 * Completion and failure are audited with their actor.
 */
export class PayoutService {
  constructor(
    private readonly secrets: SecretBox,
    private readonly ledger: LedgerService,
    private readonly outboxCommitted: () => void,
  ) {}

  async create(em: EntityManager, input: CreatePayoutInput, actor: Actor): Promise<Payout> {
    checkMrn(input.mrn);
    checkPositiveFen(input.amount, 'amount');
    checkText(input.bankName, 'bankName', 128);
    checkText(input.accountName, 'accountName', 128);
    checkText(input.accountNumber, 'accountNumber', 64);
    checkHttpUrl(input.callbackUrl, 'callbackUrl');
    const merchant = await em.findOne(Merchant, { id: input.merchantId });
    if (!merchant || merchant.status !== MerchantStatus.Active) throw new CoreError('not_found', 'unknown or disabled merchant');
    try {
      return await em.transactional(async (tx) => {
        const payout = tx.create(Payout, {
          publicId: newPublicId(),
          merchant: tx.getReference(Merchant, merchant.id),
          mrn: input.mrn,
          amount: input.amount,
          bankName: input.bankName,
          accountName: input.accountName,
          accountNumber: input.accountNumber,
          callbackUrl: input.callbackUrl,
        });
        await tx.flush();
        await this.ledger.post(tx, {
          idempotencyKey: `payout:${payout.id}:reserve`,
          reason: 'payout_reserve',
          merchantId: merchant.id,
          legs: [
            { account: accountCode(merchant.id, 'available'), amount: -input.amount },
            { account: accountCode(merchant.id, 'reserved'), amount: input.amount },
          ],
        });
        audit(tx, actor, 'payout.create', { type: 'payout', id: payout.publicId }, { amount: input.amount, mrn: input.mrn });
        await tx.flush();
        return payout;
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new CoreError('duplicate', `mrn ${input.mrn} is already used by a payout`);
      throw e;
    }
  }

  async find(em: EntityManager, ref: PayoutRef): Promise<Payout | null> {
    const where = 'publicId' in ref ? { publicId: ref.publicId } : { merchant: ref.merchantId, mrn: ref.mrn };
    return em.findOne(Payout, where, { populate: ['merchant'] });
  }

  async listPending(em: EntityManager, limit = 100): Promise<Payout[]> {
    return em.find(Payout, { status: PayoutStatus.Pending }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit, populate: ['merchant'] });
  }

  /** The payout channel reports the money left: reserved → clearing, callback owed. Idempotent. */
  async complete(em: EntityManager, ref: PayoutRef, actor: Actor): Promise<Payout> {
    return this.finish(em, ref, actor, PayoutStatus.Completed, null);
  }

  /** The payout channel reports it failed: the reservation is released; no callback (see class comment). */
  async fail(em: EntityManager, ref: PayoutRef, reason: string, actor: Actor): Promise<Payout> {
    checkText(reason, 'reason', 255);
    return this.finish(em, ref, actor, PayoutStatus.Failed, reason);
  }

  private async finish(em: EntityManager, ref: PayoutRef, actor: Actor, to: PayoutStatus, reason: string | null): Promise<Payout> {
    const result = await em.transactional(async (tx) => {
      const payout = await this.find(tx, ref);
      if (!payout) throw new CoreError('not_found', 'no such payout');
      const changed = await tx.nativeUpdate(
        Payout,
        { id: payout.id, status: PayoutStatus.Pending },
        { status: to, finishedAt: new Date(), failureReason: reason },
      );
      const current = await tx.findOneOrFail(Payout, { id: payout.id }, { populate: ['merchant'], refresh: true });
      if (changed === 0) {
        if (current.status === to) return { payout: current, changed: false };
        throw new CoreError('conflict', `payout ${current.publicId} is already ${current.status}`, { status: current.status });
      }
      const merchantId = current.merchant.id;
      const reserved = accountCode(merchantId, 'reserved');
      const completed = to === PayoutStatus.Completed;
      await this.ledger.post(tx, {
        idempotencyKey: `payout:${current.id}:${completed ? 'complete' : 'release'}`,
        reason: completed ? 'payout_complete' : 'payout_release',
        merchantId,
        legs: [
          { account: reserved, amount: -current.amount },
          { account: completed ? PLATFORM_CLEARING : accountCode(merchantId, 'available'), amount: current.amount },
        ],
      });
      if (completed) await owePayoutCallback(tx, this.secrets, current);
      audit(tx, actor, completed ? 'payout.complete' : 'payout.fail', { type: 'payout', id: current.publicId }, reason ? { reason } : undefined);
      await tx.flush();
      return { payout: current, changed: true };
    });
    if (result.changed && to === PayoutStatus.Completed) this.outboxCommitted();
    return result.payout;
  }

  /** Owes the payout callback again (query with `callback=true` on a completed payout); not while one is in flight. */
  async resendCallback(em: EntityManager, payout: Payout): Promise<{ owed: boolean }> {
    if (payout.status !== PayoutStatus.Completed) throw new CoreError('conflict', 'only a completed payout has a callback to send again');
    const inFlight = await em.count(CallbackDelivery, { subjectType: 'payout', subjectId: payout.publicId, status: CallbackStatus.Pending });
    if (inFlight > 0) return { owed: false };
    await em.transactional(async (tx) => {
      await owePayoutCallback(tx, this.secrets, payout);
      await tx.flush();
    });
    this.outboxCommitted();
    return { owed: true };
  }
}
