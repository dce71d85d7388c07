import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { CallbackDelivery, CallbackStatus, Merchant, MerchantStatus, PayInOrder, PayInStatus } from '../entities/index.js';
import type { Fen } from '../money/fen.js';
import type { ChannelNotifyInput, PayAction, PayActionPlan, PayInRequest } from '../ports/index.js';
import { claimFirstFreeAmount } from './amount-claims.js';
import { owePayInCallback } from './doc004-callbacks.js';
import { CoreError, isCoreError, isUniqueViolation } from './errors.js';
import type { LedgerService } from './ledger.js';
import { checkHttpUrl, checkMrn, checkPositiveFen, checkText } from './order-input.js';
import type { LockedPayIn } from './payin-rows.js';
import { PayInSettlement, type PreparedSettlement, type ReceivedPayment, type SettleResult } from './payin-settlement.js';
import type { PaymentChannels } from './payment-channels.js';
import type { FirstAttemptHandoff } from '../outbox/handoff.js';

export { payInFee, type ReceivedPayment, type SettlementWrite, type SettleResult } from './payin-settlement.js';

export interface CreatePayInInput {
  merchantId: number;
  /** Merchant reference number: unique per merchant, 1–64 characters. */
  mrn: string;
  /** Document-004 channel id (the seeded channel table). */
  channelId: number;
  /** What the merchant asks for, in fen (`originAmount`). */
  amount: Fen;
  callbackUrl: string;
  returnUrl: string;
  payer?: string | null;
  /** Absolute base URL of this server as payers reach it (for pay actions that point back here). */
  baseUrl: string;
  now?: Date;
}

/** `created: false` when an identical pending order with this mrn already existed (a resubmission). */
export interface CreatedPayIn {
  order: PayInOrder;
  created: boolean;
}

/** A pay-in's status as a reader should see it now (a pending order past `expiresAt` reads as expired). */
export type EffectivePayInStatus = 'pending' | 'paid' | 'expired' | 'failed';

/** A fresh opaque id for the cashier URL: 20 url-safe characters after `pi_`. */
function newPublicId(): string {
  return `pi_${randomBytes(15).toString('base64url')}`;
}

/**
 * Pay-ins: money a payer owes a merchant. Lifecycle pending → paid | expired; amounts in fen;
 * `originAmount` (asked) and `paidAmount` (arrived) are kept apart. Each `channelId` routes to a
 * payment channel plugin (see PaymentChannels), which plans what the payer is shown.
 *
 * Public API used by other faces:
 * - `create` (document 004), `byPublicId`, `byMrn`, `statusAt`, `resendCallback`;
 * - `settle(em, orderPublicId, payment)`: pending (or, when allowed, recently expired) → paid in
 *   one transaction: status (conditional update, so paying twice is impossible), ledger posting
 *   `payin:<id>:paid` (clearing → merchant available − fee → platform fees), amount claim freed,
 *   the document-004 callback owed. Idempotent: a second call answers `already_paid`.
 * - `expireDue(em, now)`: the scheduled expiry sweep;
 * - `acceptChannelNotification(em, pluginId, input)`: a channel's upstream notification.
 */
export class PayInService {
  private readonly settlement: PayInSettlement;

  constructor(
    private readonly config: Config,
    private readonly secrets: SecretBox,
    ledger: LedgerService,
    private readonly channels: PaymentChannels,
    private readonly outboxCommitted: () => void,
    firstAttempts: () => FirstAttemptHandoff | null = () => null,
  ) {
    this.settlement = new PayInSettlement(config, secrets, ledger, channels, outboxCommitted, firstAttempts);
  }

  /**
   * Creates a pay-in, or answers the existing one when the same pending `mrn` is submitted
   * again with the same amount and channel. Anything else reusing an `mrn` is `duplicate`.
   * The plugin plans the pay action before the transaction (it may be slow); the order and
   * its amount claim are then written together.
   */
  async create(em: EntityManager, input: CreatePayInInput): Promise<CreatedPayIn> {
    const now = input.now ?? new Date();
    checkMrn(input.mrn);
    checkPositiveFen(input.amount, 'amount');
    checkHttpUrl(input.callbackUrl, 'callbackUrl');
    checkHttpUrl(input.returnUrl, 'returnUrl');
    if (input.payer != null) checkText(input.payer, 'payer', 128, false);

    const merchant = await em.findOne(Merchant, { id: input.merchantId });
    if (!merchant || merchant.status !== MerchantStatus.Active) throw new CoreError('not_found', 'unknown or disabled merchant');
    const existing = await this.byMrn(em, input.merchantId, input.mrn);
    if (existing) return this.resubmission(existing, input, now);

    const { channel, plugin } = await this.channels.route(em, input.channelId);
    const request: PayInRequest = {
      orderPublicId: newPublicId(),
      merchantId: merchant.id,
      channelId: channel.id,
      payType: channel.payType ?? null,
      amount: input.amount,
      expiresAt: new Date(now.getTime() + this.config.PAYIN_EXPIRY_SECONDS * 1000),
      baseUrl: input.baseUrl.replace(/\/+$/, ''),
    };
    let plan: PayActionPlan;
    try {
      plan = await plugin.planPayAction(request, this.channels.context(em, plugin, now));
    } catch (e) {
      if (isCoreError(e)) throw e;
      throw new CoreError('unavailable', `payment channel ${plugin.id} could not plan a payment: ${(e as Error).message}`);
    }

    try {
      const order = await em.transactional(async (tx) => {
        const created = tx.create(PayInOrder, {
          publicId: request.orderPublicId,
          merchant: tx.getReference(Merchant, merchant.id),
          mrn: input.mrn,
          channelId: channel.id,
          channelPlugin: plugin.id,
          originAmount: input.amount,
          payableAmount: input.amount,
          callbackUrl: input.callbackUrl,
          returnUrl: input.returnUrl,
          payer: input.payer ?? null,
          expiresAt: request.expiresAt,
        });
        await tx.flush();
        let action: PayAction;
        if ('candidates' in plan) {
          const staleBefore = new Date(now.getTime() - this.config.REPORT_EXPIRED_GRACE_SECONDS * 1000);
          const claimed = await claimFirstFreeAmount(tx, created.id, plan.candidates, staleBefore);
          created.payableAmount = claimed.payableAmount;
          created.collectionAccountId = claimed.collectionAccountId;
          action = claimed.action;
        } else {
          action = plan.action;
        }
        created.payAction = { ...action };
        await tx.flush();
        return created;
      });
      return { order, created: true };
    } catch (e) {
      // A concurrent submission of the same mrn won the unique (merchant, mrn) constraint.
      if (!isUniqueViolation(e)) throw e;
      const winner = await this.byMrn(em.fork(), input.merchantId, input.mrn);
      if (!winner) throw e;
      return this.resubmission(winner, input, now);
    }
  }

  private resubmission(existing: PayInOrder, input: CreatePayInInput, now: Date): CreatedPayIn {
    if (existing.originAmount !== input.amount) {
      throw new CoreError('duplicate', 'mrn already used with a different amount', { reason: 'amount_mismatch' });
    }
    if (existing.channelId !== input.channelId) {
      throw new CoreError('duplicate', 'mrn already used with a different channelId', { reason: 'channel_mismatch' });
    }
    const status = this.statusAt(existing, now);
    if (status !== 'pending') throw new CoreError('duplicate', `mrn already used by an order that is ${status}`, { reason: status });
    return { order: existing, created: false };
  }

  async byPublicId(em: EntityManager, publicId: string): Promise<PayInOrder | null> {
    return em.findOne(PayInOrder, { publicId }, { populate: ['merchant'] });
  }

  async byMrn(em: EntityManager, merchantId: number, mrn: string): Promise<PayInOrder | null> {
    return em.findOne(PayInOrder, { merchant: merchantId, mrn }, { populate: ['merchant'] });
  }

  /**
   * The status a reader should see at `now`: a pending order whose time ran out reads as
   * `expired` even before the expiry sweep has run.
   */
  statusAt(order: PayInOrder, now = new Date()): EffectivePayInStatus {
    if (order.status === PayInStatus.Pending && order.expiresAt.getTime() <= now.getTime()) return 'expired';
    return order.status;
  }

  /** True while a late report could still pay it (expired less than REPORT_EXPIRED_GRACE_SECONDS ago). */
  withinLateGrace(order: PayInOrder, now = new Date()): boolean {
    const status = this.statusAt(order, now);
    return status === 'expired' && order.expiresAt.getTime() > now.getTime() - this.config.REPORT_EXPIRED_GRACE_SECONDS * 1000;
  }

  /** See the class comment and `ReceivedPayment`. */
  settle(em: EntityManager, orderPublicId: string, payment: ReceivedPayment): Promise<SettleResult> {
    return this.settlement.settle(em, orderPublicId, payment);
  }

  /**
   * `settle` for a pay-in the caller already locked in its transaction (see payin-rows.ts),
   * as statements the caller sends in a trip of its own (see PayInSettlement.prepareSettlement).
   */
  prepareSettlement(tx: EntityManager, order: LockedPayIn, payment: ReceivedPayment, now: Date, trip: { committingTrip: boolean }): Promise<PreparedSettlement | 'already_paid'> {
    return this.settlement.prepareSettlement(tx, order, payment, now, trip);
  }

  expireDue(em: EntityManager, now = new Date()): Promise<{ expired: number; claimsReleased: number }> {
    return this.settlement.expireDue(em, now);
  }

  acceptChannelNotification(em: EntityManager, pluginId: string, input: ChannelNotifyInput) {
    return this.settlement.acceptChannelNotification(em, pluginId, input);
  }

  /**
   * Owes the pay-in callback again (document 004: query with `callback=true` on a paid order).
   * While an earlier delivery of it is still being retried nothing new is owed, so a client
   * polling with `callback=true` cannot pile up deliveries.
   */
  async resendCallback(em: EntityManager, order: PayInOrder): Promise<{ owed: boolean }> {
    if (order.status !== PayInStatus.Paid) throw new CoreError('conflict', 'only a paid pay-in has a callback to send again');
    const inFlight = await em.count(CallbackDelivery, { subjectType: 'payin', subjectId: order.publicId, status: CallbackStatus.Pending });
    if (inFlight > 0) return { owed: false };
    await em.transactional(async (tx) => {
      await owePayInCallback(tx, this.secrets, order);
      await tx.flush();
    });
    this.outboxCommitted();
    return { owed: true };
  }
}
