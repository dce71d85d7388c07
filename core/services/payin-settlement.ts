import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { PayInOrder, PayInStatus } from '../entities/index.js';
import type { Fen } from '../money/fen.js';
import type { ChannelNotification, ChannelNotifyInput } from '../ports/index.js';
import { tripTransactionOf } from '../db/direct-sql.js';
import { inTransaction, runInOneTrip, type Rows, type Statement } from '../db/raw-sql.js';
import type { FirstAttemptHandoff } from '../outbox/handoff.js';
import { releaseStaleClaims } from './amount-claims.js';
import { payInCallbackStatements } from './doc004-callbacks.js';
import { CoreError } from './errors.js';
import { accountCode, PLATFORM_CLEARING, PLATFORM_FEES, type LedgerService } from './ledger.js';
import type { PaymentChannels } from './payment-channels.js';
import { lockPayInByPublicId, markPaidStatements, type LockedPayIn } from './payin-rows.js';

/** A payment that arrived for a pay-in, as whoever saw it reports it. */
export interface ReceivedPayment {
  /** What actually arrived, in fen. May differ from `payableAmount`; the callback reports both. */
  amountReceived: Fen;
  /** The upstream's reference (channel trade no, report id), at most 64 characters. */
  upstreamTradeNo: string | null;
  /** Who settles, recorded on the order: `channel:<plugin>`, `report:<id>`, `admin`… (≤ 64 chars). */
  source: string;
  /**
   * Also accept an order that expired at most REPORT_EXPIRED_GRACE_SECONDS ago (a monitor
   * report that arrives late for money that did arrive in time). Default false.
   */
  allowExpiredWithinGrace?: boolean;
  /** Refuse unless the order was created through this plugin: a channel may only pay its own orders. */
  plugin?: string;
  now?: Date;
}

/** `paid`: this call paid it. `already_paid`: it was paid before (nothing credited twice). */
export type SettleResult = { outcome: 'paid' | 'already_paid'; order: PayInOrder };

/** What settling a locked pay-in wrote, before any entity is made of it. */
export type SettlementWrite =
  /**
   * The paid order's row (RETURNING *) and the rows of the caller's own statements;
   * `callbackHandedOff`: the trip committed, and its callback's first attempt has started in
   * this process (core/outbox/handoff.ts), so there is no outbox row for a relay to move.
   */
  | { outcome: 'paid'; paidRow: Record<string, unknown>; written: Rows[]; callbackHandedOff: boolean }
  | { outcome: 'already_paid' };

/** A settlement's writes, prepared but not sent (PayInSettlement.prepareSettlement). */
export interface PreparedSettlement {
  statements: Statement[];
  /** The trip carrying `statements` failed: what was reserved for the callback is given back. */
  abandon(): void;
  /** The rows of `statements`, in order, once the trip returned (and committed, when it was the committing trip). */
  written(rows: Rows[]): { paidRow: Record<string, unknown>; callbackHandedOff: boolean };
}

/** Fee of a pay-in: floor(amount × feeRateBp / 10000) — rounded in the merchant's favour, exact in BigInt. */
export function payInFee(amount: Fen, feeRateBp: number): Fen {
  return Number((BigInt(amount) * BigInt(feeRateBp)) / 10000n);
}

/** Settles pay-ins (pending → paid) and expires them; the write half of PayInService. */
export class PayInSettlement {
  constructor(
    private readonly config: Config,
    private readonly secrets: SecretBox,
    private readonly ledger: LedgerService,
    private readonly channels: PaymentChannels,
    private readonly outboxCommitted: () => void,
    /** Where this process makes callbacks' first attempts itself, if it does. */
    private readonly firstAttempts: () => FirstAttemptHandoff | null = () => null,
  ) {}

  private get graceMs(): number {
    return this.config.REPORT_EXPIRED_GRACE_SECONDS * 1000;
  }

  async settle(em: EntityManager, orderPublicId: string, payment: ReceivedPayment): Promise<SettleResult> {
    const now = payment.now ?? new Date();
    // Inside a caller's transaction (a monitor report) no savepoint is needed: every refusal
    // below is thrown before the first write.
    const result = await inTransaction(em, async (tx) => {
      // The row lock is the guard: of two concurrent settles the second waits here and then
      // finds the order paid (SQLite has one writer, so its transactions never interleave).
      const order = await lockPayInByPublicId(tx, orderPublicId);
      if (!order) throw new CoreError('not_found', `no pay-in ${orderPublicId}`);
      const write = await this.writeSettlement(tx, order, payment, now);
      if (write.outcome === 'already_paid') return { outcome: 'already_paid', order: await tx.findOneOrFail(PayInOrder, order.id) } as const;
      return { outcome: 'paid', order: tx.map(PayInOrder, write.paidRow) } as const;
    });
    if (result.outcome === 'paid') this.outboxCommitted();
    return result;
  }

  /**
   * Settles a pay-in the caller has locked in its transaction (see payin-rows.ts). Every
   * refusal is thrown before the first write, so a caller's transaction needs no savepoint.
   * The writes — order paid, amount claim freed, ledger credit, callback owed, and the
   * caller's own `alsoWrite` (e.g. the report's verdict) — go in one round trip; `written`
   * holds the rows of `alsoWrite`. No entity is made of the order: the monitor report path
   * needs only its ids, and mapping the row was ~4% of the all-in-one's profile samples
   * under load (bench/FINDINGS.md). The caller nudges the outbox relay after its commit
   * when the outcome is `paid`.
   */
  async writeSettlement(
    tx: EntityManager,
    order: LockedPayIn,
    payment: ReceivedPayment,
    now: Date,
    alsoWrite: Statement[] = [],
    /** Passed to the writes' `runInOneTrip`: the caller's transaction ends with them. */
    trip: { last?: boolean } = {},
  ): Promise<SettlementWrite> {
    const settlement = await this.prepareSettlement(tx, order, payment, now, { committingTrip: trip.last === true });
    if (settlement === 'already_paid') return { outcome: 'already_paid' };
    let results: Rows[];
    try {
      results = await runInOneTrip(tx, [...settlement.statements, ...alsoWrite], trip);
    } catch (e) {
      settlement.abandon();
      throw e;
    }
    const { paidRow, callbackHandedOff } = settlement.written(results.slice(0, settlement.statements.length));
    return { outcome: 'paid', paidRow, written: results.slice(settlement.statements.length), callbackHandedOff };
  }

  /**
   * `writeSettlement` in two halves, for a caller that sends the writes in a trip of its own
   * making (several reports in one transaction, ReportMatchingService.reportGroup): the
   * refusals are thrown here, before anything is written; the caller sends `statements` (in
   * order, in one trip) and then calls `written` with their rows, or `abandon` when the trip
   * failed. `committingTrip`: the trip carrying them is a trip transaction's last (its
   * COMMIT), so the callback may be handed to this process's first attempts.
   */
  async prepareSettlement(
    tx: EntityManager,
    order: LockedPayIn,
    payment: ReceivedPayment,
    now: Date,
    trip: { committingTrip: boolean },
  ): Promise<PreparedSettlement | 'already_paid'> {
    if (!Number.isSafeInteger(payment.amountReceived) || payment.amountReceived <= 0) {
      throw new CoreError('invalid_input', 'amountReceived must be a positive whole number of fen');
    }
    if ((payment.upstreamTradeNo?.length ?? 0) > 64 || payment.source.length === 0 || payment.source.length > 64) {
      throw new CoreError('invalid_input', 'upstreamTradeNo must be at most 64 and source 1–64 characters');
    }
    if (payment.plugin !== undefined && order.channelPlugin !== payment.plugin) {
      throw new CoreError('forbidden', `pay-in ${order.publicId} is not served by ${payment.plugin}`);
    }
    if (order.status === PayInStatus.Paid) return 'already_paid';
    const payableUntil = payment.allowExpiredWithinGrace ? order.expiresAt.getTime() + this.graceMs : order.expiresAt.getTime();
    const payableStatus = order.status === PayInStatus.Pending || (payment.allowExpiredWithinGrace && order.status === PayInStatus.Expired);
    if (!payableStatus || payableUntil <= now.getTime()) {
      throw new CoreError('conflict', `pay-in ${order.publicId} can no longer be paid (${order.status === PayInStatus.Pending ? 'expired' : order.status})`, {
        status: order.status === PayInStatus.Pending ? PayInStatus.Expired : order.status,
      });
    }
    const fee = payInFee(payment.amountReceived, order.feeRateBp);
    const paidWrites = markPaidStatements(tx, order.id, {
      paidAmount: payment.amountReceived,
      feeAmount: fee,
      paidAt: now,
      upstreamTradeNo: payment.upstreamTradeNo,
      settledVia: payment.source,
    });
    // Credits only: appended without locking any balance row (LedgerService), so concurrent
    // pay-ins of one merchant do not queue on each other.
    const posting = await this.ledger.appendOnlyPosting(tx, {
      idempotencyKey: `payin:${order.id}:paid`,
      reason: 'payin_paid',
      merchantId: order.merchantId,
      legs: [
        { account: PLATFORM_CLEARING, amount: -payment.amountReceived },
        { account: accountCode(order.merchantId, 'available'), amount: payment.amountReceived - fee },
        ...(fee > 0 ? [{ account: PLATFORM_FEES, amount: fee }] : []),
      ],
    });
    // The callback goes straight to this process's first attempts when the trip is the one
    // that commits (a trip transaction's last) and a slot is free; else a relay claims it.
    const handoff = trip.committingTrip && tripTransactionOf(tx) ? this.firstAttempts() : null;
    const handedOff = handoff?.reserve() ? handoff : null;
    const callback = payInCallbackStatements(
      tx,
      this.secrets,
      { ...order, paidAmount: payment.amountReceived },
      order.appKey === null ? null : { appKey: order.appKey, secretSealed: order.appSecretSealed! },
      // The claim runs on the wall clock, as the relay's own claims do (`now` may be the payment's time).
      handedOff ? { claimedUntil: new Date(Date.now() + this.config.CALLBACK_LOCK_MS) } : {},
    );
    return {
      statements: [...paidWrites, ...posting, ...callback.statements],
      abandon: () => handedOff?.release(),
      written: (rows) => {
        const [paidRow] = rows[0]!;
        if (!paidRow) {
          // Unreachable while the row is locked; kept so an unlocked caller can never pay twice.
          handedOff?.release();
          throw new CoreError('conflict', `pay-in ${order.publicId} is no longer payable`);
        }
        handedOff?.attempt(callback.delivery);
        return { paidRow, callbackHandedOff: handedOff !== null };
      },
    };
  }

  /**
   * Marks pending pay-ins whose time ran out as expired and frees the amounts of orders that
   * can no longer be paid. Idempotent; meant to be called every few seconds by a scheduler
   * (the upstream-polling worker). Readers never depend on it: statuses are computed from
   * `expiresAt`, and a stale amount claim is taken over when a new order needs it.
   */
  async expireDue(em: EntityManager, now = new Date()): Promise<{ expired: number; claimsReleased: number }> {
    return em.transactional(async (tx) => {
      const expired = await tx.nativeUpdate(PayInOrder, { status: PayInStatus.Pending, expiresAt: { $lte: now } }, { status: PayInStatus.Expired });
      const claimsReleased = await releaseStaleClaims(tx, new Date(now.getTime() - this.graceMs));
      return { expired, claimsReleased };
    });
  }

  /**
   * A notification reaching `/channels/{pluginId}/notify`: the plugin verifies it (throwing
   * on a bad signature), and a paid one settles the order it names, if that order is the
   * plugin's own. Returns the plugin's verdict and what settling did.
   */
  async acceptChannelNotification(
    em: EntityManager,
    pluginId: string,
    input: ChannelNotifyInput,
  ): Promise<{ notification: ChannelNotification; settled: SettleResult | null }> {
    const plugin = this.channels.plugin(pluginId);
    if (!plugin?.notify) throw new CoreError('not_found', `no payment channel ${pluginId} takes notifications`);
    let notification: ChannelNotification;
    try {
      notification = await plugin.notify(input, this.channels.context(em, plugin));
    } catch (e) {
      throw new CoreError('unauthenticated', `${pluginId} rejected the notification: ${(e as Error).message}`);
    }
    if (!notification.paid) return { notification, settled: null };
    const settled = await this.settle(em, notification.orderPublicId, {
      amountReceived: notification.amountReceived,
      upstreamTradeNo: notification.upstreamTradeNo,
      source: `channel:${pluginId}`,
      plugin: pluginId,
    });
    return { notification, settled };
  }
}
