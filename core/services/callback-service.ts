import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { CallbackAttempt, CallbackDelivery, CallbackStatus, OutboxMessage } from '../entities/index.js';
import { completeWork } from '../outbox/outbox.js';
import { audit, type Actor } from './audit.js';
import { delayAfterAttempt, isCallbackProfileName, type CallbackProfile } from './callback-profiles.js';
import { oweCallback } from './callbacks.js';
import { CoreError, isUniqueViolation } from './errors.js';

/** What one attempt produced, as the delivery worker observed it. */
export interface AttemptOutcome {
  startedAt: Date;
  latencyMs: number;
  httpStatus: number | null;
  reply: string;
  /** The reply was longer than the worker reads; such a reply is never an acknowledgement. */
  replyTruncated: boolean;
  error: string | null;
}

export type AttemptVerdict =
  | { kind: 'recorded'; attempt: CallbackAttempt; status: CallbackStatus; nextAttemptAt: Date | null }
  /** Another run of the same job recorded this attempt number first; this result was dropped. */
  | { kind: 'superseded' };

export const REPLY_SNIPPET_CHARS = 256;
const ERROR_CHARS = 255;

/**
 * Callback deliveries: recording attempts (the delivery worker), and reading and resending
 * them (CLI `callback resend`, GraphQL, and dialects that must know whether their caller
 * was told, e.g. 002 "the operator was never told" = status `given_up`).
 */
export class CallbackService {
  constructor(
    private readonly config: Config,
    /** Nudges the outbox relay after a commit that owed work. */
    private readonly outboxCommitted: () => void,
  ) {}

  async byId(em: EntityManager, id: string): Promise<CallbackDelivery | null> {
    return em.findOne(CallbackDelivery, { id });
  }

  async listAttempts(em: EntityManager, deliveryId: string): Promise<CallbackAttempt[]> {
    return em.find(CallbackAttempt, { delivery: deliveryId }, { orderBy: { number: 'asc' } });
  }

  /** Every delivery owed for one subject (e.g. `{ type: 'recharge', id }`), newest first. */
  async forSubject(em: EntityManager, subject: { type: string; id: string | number }): Promise<CallbackDelivery[]> {
    return em.find(
      CallbackDelivery,
      { subjectType: subject.type, subjectId: String(subject.id) },
      { orderBy: { createdAt: 'desc', id: 'desc' } },
    );
  }

  /**
   * Sends a callback again as a NEW delivery with the same profile, URL and frozen body
   * (so the receiver gets the same bytes, and the original keeps its own attempt history),
   * audited. Allowed in any state: a pending original keeps its own schedule.
   */
  async resend(em: EntityManager, deliveryId: string, actor: Actor): Promise<CallbackDelivery> {
    const fresh = await em.transactional(async (tx) => {
      const original = await tx.findOne(CallbackDelivery, { id: deliveryId });
      if (!original) throw new CoreError('not_found', `no callback delivery ${deliveryId}`);
      if (!isCallbackProfileName(original.profile)) {
        throw new CoreError('conflict', `callback delivery ${deliveryId} has unknown profile "${original.profile}"`);
      }
      const copy = oweCallback(tx, {
        profile: original.profile,
        merchantId: original.merchant?.id ?? null,
        subject: { type: original.subjectType, id: original.subjectId },
        url: original.url,
        contentType: original.contentType,
        body: original.body,
      });
      audit(tx, actor, 'callback.resend', { type: 'callback_delivery', id: copy.id }, {
        resendOf: original.id,
        originalStatus: original.status,
        subjectType: original.subjectType,
        subjectId: original.subjectId,
      });
      return copy;
    });
    this.outboxCommitted();
    return fresh;
  }

  /**
   * Records attempt `number` and moves the delivery on, in one transaction: delivered,
   * given up (both complete the outbox row) or pending with its next attempt time. The
   * unique (delivery, number) constraint and a conditional update on `attemptCount` make
   * a second run of the same job unable to record the same attempt twice.
   * `profile` null (a name this build does not know) gives up at once.
   */
  async recordAttempt(
    em: EntityManager,
    input: { deliveryId: string; number: number; profile: CallbackProfile | null; outcome: AttemptOutcome },
  ): Promise<AttemptVerdict> {
    const { deliveryId, number, profile, outcome } = input;
    const success =
      profile !== null && outcome.httpStatus !== null && !outcome.replyTruncated && profile.isAcknowledged(outcome.httpStatus, outcome.reply);
    const now = new Date();
    const delay = success || profile === null ? null : delayAfterAttempt(profile, number, this.config.CALLBACK_RETRY_SCALE);
    const status = success ? CallbackStatus.Delivered : delay === null ? CallbackStatus.GivenUp : CallbackStatus.Pending;
    const nextAttemptAt = delay === null ? null : new Date(now.getTime() + delay);
    try {
      return await em.transactional(async (tx) => {
        const attempt = tx.create(CallbackAttempt, {
          delivery: tx.getReference(CallbackDelivery, deliveryId),
          number,
          startedAt: outcome.startedAt,
          httpStatus: outcome.httpStatus,
          latencyMs: outcome.latencyMs,
          replySnippet: outcome.httpStatus === null ? null : storable(outcome.reply, REPLY_SNIPPET_CHARS),
          error: outcome.error === null ? null : storable(outcome.error, ERROR_CHARS),
          success,
        });
        await tx.persist(attempt).flush();
        const moved = await tx.nativeUpdate(
          CallbackDelivery,
          { id: deliveryId, status: CallbackStatus.Pending, attemptCount: number - 1 },
          { attemptCount: number, status, nextAttemptAt, deliveredAt: success ? now : null },
        );
        if (moved !== 1) throw new AttemptSuperseded();
        if (status === CallbackStatus.Pending) {
          // Keeps the relay's sweep honest: a job lost from Redis is re-added with this delay.
          await tx.nativeUpdate(OutboxMessage, { id: deliveryId }, { runAt: nextAttemptAt });
        } else {
          await completeWork(tx, deliveryId);
        }
        return { kind: 'recorded' as const, attempt, status, nextAttemptAt };
      });
    } catch (e) {
      if (e instanceof AttemptSuperseded || isUniqueViolation(e)) return { kind: 'superseded' };
      throw e;
    }
  }
}

class AttemptSuperseded extends Error {}

/** Text safe for a bounded text column on both databases (PostgreSQL refuses NUL). */
function storable(text: string, maxChars: number): string {
  return Array.from(text.replaceAll('\u0000', '\uFFFD')).slice(0, maxChars).join('');
}
