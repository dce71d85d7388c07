import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { CallbackDelivery, Merchant } from '../entities/index.js';
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
