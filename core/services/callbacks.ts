import { dateParam } from '../db/raw-sql.js';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { Statement } from '../db/raw-sql.js';
import { CallbackDelivery, CallbackStatus, Merchant } from '../entities/index.js';
import { oweWork } from '../outbox/outbox.js';
import { callbackProfiles, type CallbackProfileName } from './callback-profiles.js';

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
 * `oweCallback` as statements, for a caller that sends them in one round trip with its own
 * writes (runInOneTrip) — the money path, where each ORM flush is a round trip of its own.
 * Same rows as `oweCallback`: the delivery and its outbox row share `id`.
 */
export function owedCallbackStatements(em: EntityManager, owed: OwedCallback): { id: string; statements: Statement[] } {
  const id = randomUUID();
  const now = dateParam(em, new Date());
  return {
    id,
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
          owed.contentType ?? callbackProfiles[owed.profile].contentType,
          owed.body,
          CallbackStatus.Pending,
          now,
        ],
      },
      { sql: 'insert into outbox_message (id, topic, payload, created_at) values (?, ?, ?, ?)', params: [id, 'callbacks', JSON.stringify({ deliveryId: id }), now] },
    ],
  };
}

/**
 * Records a callback owed, in the caller's transaction: the delivery row and the outbox
 * row that will become its BullMQ job share one id. After the transaction commits the
 * caller calls `core.outboxCommitted()`.
 */
export function oweCallback(em: EntityManager, owed: OwedCallback): CallbackDelivery {
  const id = randomUUID();
  const delivery = em.create(CallbackDelivery, {
    id,
    profile: owed.profile,
    merchant: owed.merchantId === null ? null : em.getReference(Merchant, owed.merchantId),
    subjectType: owed.subject.type,
    subjectId: String(owed.subject.id),
    url: owed.url,
    contentType: owed.contentType ?? callbackProfiles[owed.profile].contentType,
    body: owed.body,
  });
  em.persist(delivery);
  oweWork(em, 'callbacks', { deliveryId: id }, { id });
  return delivery;
}
