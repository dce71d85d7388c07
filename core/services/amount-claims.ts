import { dateParam } from '../db/raw-sql.js';
import type { EntityManager } from '@mikro-orm/knex';
import { PayInStatus } from '../entities/index.js';
import type { AmountCandidate } from '../ports/index.js';
import { CoreError } from './errors.js';

/**
 * Claims the first free (collection account, payable amount) pair among a channel's
 * candidates for `orderId`, inside the order's transaction. `insert … on conflict do
 * nothing` lets the unique constraint arbitrate: on PostgreSQL a concurrent claimer of the
 * same pair waits for the holder to commit and then moves on, so two open orders can
 * never expect the same pair. A pair held by an order that can no longer be paid (paid,
 * failed, or expired beyond the late-report grace) is taken over, so correctness never
 * depends on the expiry job having run.
 */
export async function claimFirstFreeAmount(
  em: EntityManager,
  orderId: number,
  candidates: AmountCandidate[],
  staleBefore: Date,
): Promise<AmountCandidate> {
  for (const candidate of candidates) {
    if (!Number.isSafeInteger(candidate.payableAmount) || candidate.payableAmount <= 0) continue;
    if (await insertClaim(em, orderId, candidate)) return candidate;
    if ((await releaseStaleClaim(em, candidate, staleBefore)) && (await insertClaim(em, orderId, candidate))) return candidate;
  }
  throw new CoreError('unavailable', 'every collection account is busy with this amount; try again shortly or with another amount', {
    candidates: candidates.length,
  });
}

// Orders that can no longer be paid: paid, failed, or past their expiry plus the late-report grace.
// (`run` rather than `returning`: SQLite keeps a RETURNING statement open until the commit.)
const UNPAYABLE_ORDERS = 'select id from payin_order where status in (?, ?) or (status in (?, ?) and expires_at <= ?)';

function unpayableParams(em: EntityManager, staleBefore: Date): unknown[] {
  return [PayInStatus.Paid, PayInStatus.Failed, PayInStatus.Pending, PayInStatus.Expired, dateParam(em, staleBefore)];
}

async function insertClaim(em: EntityManager, orderId: number, c: AmountCandidate): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>(
    `insert into amount_claim (collection_account_id, payable_amount, order_id, created_at) values (?, ?, ?, ?)
     on conflict do nothing`,
    [c.collectionAccountId, c.payableAmount, orderId, dateParam(em, new Date())],
    'run',
  );
  return result.affectedRows > 0;
}

async function releaseStaleClaim(em: EntityManager, c: AmountCandidate, staleBefore: Date): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>(
    `delete from amount_claim where collection_account_id = ? and payable_amount = ? and order_id in (${UNPAYABLE_ORDERS})`,
    [c.collectionAccountId, c.payableAmount, ...unpayableParams(em, staleBefore)],
    'run',
  );
  return result.affectedRows > 0;
}

/** Frees every pair whose order can no longer be paid; returns how many. */
export async function releaseStaleClaims(em: EntityManager, staleBefore: Date): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(
    `delete from amount_claim where order_id in (${UNPAYABLE_ORDERS})`,
    unpayableParams(em, staleBefore),
    'run',
  );
  return result.affectedRows;
}
