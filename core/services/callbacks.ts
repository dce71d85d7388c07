import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { dateParam, runInOneTrip, type Statement } from '../db/raw-sql.js';
import { CallbackStatus } from '../entities/index.js';
import { owedWorkStatement } from '../outbox/outbox.js';
import { callbackProfiles, type CallbackProfileName } from './callback-profiles.js';
import type { DeliveryToAttempt } from './callback-service.js';

export interface OwedCallback {
  /** Delivery profile (request shape, success rule, retry schedule): core/services/callback-profiles.ts. */
  profile: CallbackProfileName;
  merchantId: number | null;
  subject: { type: string; id: string | number };
  url: string;
  /** Defaults to the profile's content type. */
  contentType?: string;
  /** The exact request body, frozen now so every retry sends the same bytes. */
  body: string;
}

/**
 * The rows of a callback owed, as statements for the caller's transaction: the delivery row
 * and the outbox row that will become its BullMQ job share one id. The money path sends them
 * in one round trip with the payment's own writes (runInOneTrip); `oweCallback` sends them
 * alone.
 */
export function owedCallbackStatements(
  em: EntityManager,
  owed: OwedCallback,
  /** Written already claimed by this process until then, to be attempted at the commit (core/outbox/handoff.ts). */
  options: { claimedUntil?: Date } = {},
): { id: string; statements: Statement[]; delivery: DeliveryToAttempt } {
  const id = randomUUID();
  const contentType = owed.contentType ?? callbackProfiles[owed.profile].contentType;
  const claim = options.claimedUntil ? { relayedAt: new Date(), runAt: options.claimedUntil } : {};
  const { statement: outbox } = owedWorkStatement(em, 'callbacks', { deliveryId: id }, { id, ...claim });
  return {
    id,
    delivery: { id, profile: owed.profile, url: owed.url, contentType, body: owed.body, status: CallbackStatus.Pending, attemptCount: 0, nextAttemptAt: null },
    statements: [
      {
        sql: `insert into callback_delivery (id, merchant_id, profile, subject_type, subject_id, url, content_type, body, status, attempt_count, created_at)
              values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        params: [
          id,
          owed.merchantId,
          owed.profile,
          owed.subject.type,
          String(owed.subject.id),
          owed.url,
          contentType,
          owed.body,
          CallbackStatus.Pending,
          dateParam(em, new Date()),
        ],
      },
      outbox,
    ],
  };
}

/**
 * Records a callback owed, now, in the caller's transaction, and returns its delivery id.
 * After the transaction commits the caller calls `core.outboxCommitted()`.
 */
export async function oweCallback(em: EntityManager, owed: OwedCallback): Promise<string> {
  const { id, statements } = owedCallbackStatements(em, owed);
  await runInOneTrip(em, statements);
  return id;
}
