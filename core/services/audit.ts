import type { EntityManager } from '@mikro-orm/knex';
import { AuditEntry } from '../entities/index.js';

/** Who acted: `admin`, `merchant:<id>`, `cli`, or `system`. */
export type Actor = string;

/** Persists (without flushing) one audit entry inside the caller's transaction. */
export function audit(
  em: EntityManager,
  actor: Actor,
  action: string,
  subject: { type: string; id: string | number },
  details?: Record<string, unknown>,
): void {
  em.persist(em.create(AuditEntry, { actor, action, subjectType: subject.type, subjectId: String(subject.id), details: details ?? null }));
}
