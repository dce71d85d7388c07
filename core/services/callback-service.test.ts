import { describe, expect, it } from 'vitest';
import { setupTestCore } from '../../test/support/core.js';
import { AuditEntry, CallbackAttempt, CallbackDelivery, CallbackStatus, OutboxMessage } from '../entities/index.js';
import { callbackProfile } from './callback-profiles.js';
import type { AttemptOutcome } from './callback-service.js';
import { oweCallback } from './callbacks.js';
import { isCoreError } from './errors.js';

const core = await setupTestCore({ CALLBACK_RETRY_SCALE: '1' });

let nudges = 0;
core.onOutboxCommitted(() => nudges++);

async function owed(profile: 'doc004' | 'doc002' = 'doc004'): Promise<string> {
  return core.em().transactional(async (tx) =>
    oweCallback(tx, { profile, merchantId: null, subject: { type: 'payin', id: 'P-1' }, url: 'https://merchant.example/cb', body: 'a=1&sign=x' }),
  );
}

function outcome(over: Partial<AttemptOutcome> = {}): AttemptOutcome {
  return { startedAt: new Date(), latencyMs: 12, httpStatus: 500, reply: 'err', replyTruncated: false, error: null, ...over };
}

describe('CallbackService.recordAttempt', () => {
  it('lets only one of two concurrent runs record the same attempt number', async () => {
    const id = await owed();
    const profile = callbackProfile('doc004');
    const verdicts = await Promise.all([
      core.callbacks.recordAttempt(core.em(), { deliveryId: id, number: 1, profile, outcome: outcome({ httpStatus: 500 }) }),
      core.callbacks.recordAttempt(core.em(), { deliveryId: id, number: 1, profile, outcome: outcome({ httpStatus: 502 }) }),
    ]);
    expect(verdicts.map((v) => v.kind).sort()).toEqual(['recorded', 'superseded']);
    const attempts = await core.em().find(CallbackAttempt, { delivery: id });
    expect(attempts).toHaveLength(1);
    const delivery = await core.em().findOneOrFail(CallbackDelivery, { id });
    expect(delivery.attemptCount).toBe(1);
    expect(delivery.status).toBe(CallbackStatus.Pending);
    // Next attempt 15 s later (doc004, scale 1), and the outbox row carries the same time.
    const next = delivery.nextAttemptAt!.getTime() - attempts[0]!.startedAt.getTime();
    expect(next).toBeGreaterThanOrEqual(15_000);
    expect(next).toBeLessThan(16_000);
    expect((await core.em().findOneOrFail(OutboxMessage, { id })).runAt?.getTime()).toBe(delivery.nextAttemptAt!.getTime());
  });

  it('refuses an attempt number that is not the next one, leaving nothing behind', async () => {
    const id = await owed();
    const verdict = await core.callbacks.recordAttempt(core.em(), { deliveryId: id, number: 2, profile: callbackProfile('doc004'), outcome: outcome() });
    expect(verdict.kind).toBe('superseded');
    expect(await core.em().count(CallbackAttempt, { delivery: id })).toBe(0);
    expect((await core.em().findOneOrFail(CallbackDelivery, { id })).attemptCount).toBe(0);
  });

  it('never takes a truncated reply as an acknowledgement', async () => {
    const id = await owed();
    const verdict = await core.callbacks.recordAttempt(core.em(), {
      deliveryId: id,
      number: 1,
      profile: callbackProfile('doc004'),
      outcome: outcome({ httpStatus: 200, reply: 'success', replyTruncated: true, error: 'reply longer than 4096 bytes' }),
    });
    expect(verdict).toMatchObject({ kind: 'recorded', status: CallbackStatus.Pending });
  });

  it('gives up at once on a profile this build does not know, completing the outbox row', async () => {
    const id = await owed();
    const verdict = await core.callbacks.recordAttempt(core.em(), {
      deliveryId: id,
      number: 1,
      profile: null,
      outcome: outcome({ httpStatus: null, error: 'unknown callback profile "docX"; not sent' }),
    });
    expect(verdict).toMatchObject({ kind: 'recorded', status: CallbackStatus.GivenUp, nextAttemptAt: null });
    expect((await core.em().findOneOrFail(OutboxMessage, { id })).completedAt).toBeInstanceOf(Date);
  });

  it('stores replies safely: NUL bytes replaced, snippet cut at 256 characters, errors at 255', async () => {
    const id = await owed();
    await core.callbacks.recordAttempt(core.em(), {
      deliveryId: id,
      number: 1,
      profile: callbackProfile('doc004'),
      outcome: outcome({ httpStatus: 500, reply: `a\u0000b${'界'.repeat(400)}`, error: 'e'.repeat(600) }),
    });
    const [attempt] = await core.callbacks.listAttempts(core.em(), id);
    expect(attempt!.replySnippet).toBe(`a\uFFFDb${'界'.repeat(253)}`);
    expect(attempt!.error).toHaveLength(255);
  });
});

describe('CallbackService.recordAttempts (one transaction for many)', () => {
  it('stores each reply and error of a batch as it came, whatever its characters', async () => {
    const replies = ['say "ok"', 'back\\slash \\"', '{a,b}', 'NULL', '', '二 , 三'];
    const ids = await Promise.all(replies.map(() => owed()));
    const verdicts = await core.callbacks.recordAttempts(
      core.em(),
      ids.map((deliveryId, i) => ({
        deliveryId,
        number: 1,
        profile: callbackProfile('doc004'),
        outcome: outcome({ httpStatus: 500, reply: replies[i]!, error: i % 2 === 0 ? null : `bad "${replies[i]}"` }),
      })),
    );
    expect(verdicts.every((v) => v.kind === 'recorded' && v.status === CallbackStatus.Pending)).toBe(true);
    for (const [i, id] of ids.entries()) {
      const [attempt] = await core.callbacks.listAttempts(core.em(), id);
      expect(attempt!.replySnippet).toBe(replies[i]);
      expect(attempt!.error).toBe(i % 2 === 0 ? null : `bad "${replies[i]}"`);
      expect(attempt!.httpStatus).toBe(500);
    }
  });

  it('records every attempt exactly once; a stale number or a second run of the same attempt is superseded without failing the rest', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, () => owed()));
    const doc002 = await owed('doc002');
    await core.callbacks.recordAttempt(core.em(), { deliveryId: doc002, number: 1, profile: callbackProfile('doc002'), outcome: outcome() });
    await core.callbacks.recordAttempt(core.em(), { deliveryId: doc002, number: 2, profile: callbackProfile('doc002'), outcome: outcome() });
    const profile = callbackProfile('doc004');
    const delivered = outcome({ httpStatus: 200, reply: 'success' });
    const batch = [
      ...ids.slice(0, 8).map((deliveryId) => ({ deliveryId, number: 1, profile, outcome: delivered })),
      ...ids.slice(8).map((deliveryId) => ({ deliveryId, number: 1, profile, outcome: outcome({ httpStatus: 503 }) })),
      { deliveryId: ids[0]!, number: 1, profile, outcome: outcome({ httpStatus: 502 }) }, // another run of attempt 1
      { deliveryId: ids[1]!, number: 1, profile, outcome: delivered }, // the same outcome twice
      { deliveryId: ids[2]!, number: 3, profile, outcome: delivered }, // not the next number
      { deliveryId: doc002, number: 3, profile: callbackProfile('doc002'), outcome: outcome() }, // its last attempt
    ];
    const verdicts = await core.callbacks.recordAttempts(core.em(), batch);

    expect(verdicts.map((v) => (v.kind === 'recorded' ? v.status : v.kind))).toEqual([
      ...Array(8).fill(CallbackStatus.Delivered),
      ...Array(4).fill(CallbackStatus.Pending),
      'superseded',
      'superseded',
      'superseded',
      CallbackStatus.GivenUp,
    ]);
    const attempts = await core.em().find(CallbackAttempt, { delivery: { $in: ids } }, { populate: false });
    expect(attempts).toHaveLength(12);
    expect(attempts.map((a) => [a.delivery.id, a.number, a.success]).sort()).toEqual(
      ids.map((id, i) => [id, 1, i < 8]).sort(),
    );
    expect(await core.callbacks.listAttempts(core.em(), doc002)).toHaveLength(3);

    const deliveries = await core.em().find(CallbackDelivery, { id: { $in: [...ids, doc002] } });
    const byId = new Map(deliveries.map((d) => [d.id, d]));
    for (const id of ids.slice(0, 8)) expect(byId.get(id)).toMatchObject({ status: CallbackStatus.Delivered, attemptCount: 1, nextAttemptAt: null });
    for (const id of ids.slice(0, 8)) expect(byId.get(id)!.deliveredAt).toBeInstanceOf(Date);
    expect(byId.get(doc002)).toMatchObject({ status: CallbackStatus.GivenUp, attemptCount: 3, nextAttemptAt: null, deliveredAt: null });
    const outbox = new Map((await core.em().find(OutboxMessage, { id: { $in: [...ids, doc002] } })).map((m) => [m.id, m]));
    for (const id of [...ids.slice(0, 8), doc002]) expect(outbox.get(id)!.completedAt).toBeInstanceOf(Date);
    for (const [i, id] of ids.slice(8).entries()) {
      const retry = byId.get(id)!;
      expect(retry).toMatchObject({ status: CallbackStatus.Pending, attemptCount: 1, deliveredAt: null });
      expect(retry.nextAttemptAt!.getTime()).toBe((verdicts[8 + i] as { nextAttemptAt: Date }).nextAttemptAt.getTime());
      expect(outbox.get(id)).toMatchObject({ completedAt: null, runAt: retry.nextAttemptAt });
    }
  });

  it('records nothing when no attempt is the next one, and reads back what the worker needs', async () => {
    const id = await owed();
    const profile = callbackProfile('doc004');
    expect(await core.callbacks.recordAttempts(core.em(), [{ deliveryId: id, number: 2, profile, outcome: outcome() }])).toEqual([{ kind: 'superseded' }]);
    expect(await core.em().count(CallbackAttempt, { delivery: id })).toBe(0);

    const [verdict] = await core.callbacks.recordAttempts(core.em(), [{ deliveryId: id, number: 1, profile, outcome: outcome() }]);
    const found = await core.callbacks.deliveriesToAttempt(core.em(), [id, '00000000-0000-0000-0000-000000000000']);
    expect([...found.keys()]).toEqual([id]);
    expect(found.get(id)).toEqual({
      id,
      profile: 'doc004',
      url: 'https://merchant.example/cb',
      contentType: 'application/x-www-form-urlencoded',
      body: 'a=1&sign=x',
      status: CallbackStatus.Pending,
      attemptCount: 1,
      nextAttemptAt: (verdict as { nextAttemptAt: Date }).nextAttemptAt,
    });
  });
});

describe('CallbackService.resend', () => {
  it('creates a new audited delivery with the same profile, URL and bytes, and nudges the relay', async () => {
    const id = await owed('doc002');
    const before = nudges;
    const fresh = await core.callbacks.resend(core.em(), id, 'admin');
    expect(nudges).toBe(before + 1);
    const [original, copy] = await Promise.all([core.callbacks.byId(core.em(), id), core.callbacks.byId(core.em(), fresh.id)]);
    expect(copy).toMatchObject({
      profile: original!.profile,
      url: original!.url,
      body: original!.body,
      contentType: original!.contentType,
      subjectType: 'payin',
      subjectId: 'P-1',
      status: CallbackStatus.Pending,
      attemptCount: 0,
    });
    expect(await core.em().findOne(OutboxMessage, { id: fresh.id, completedAt: null })).not.toBeNull();
    const entry = await core.em().findOneOrFail(AuditEntry, { action: 'callback.resend', subjectId: fresh.id });
    expect(entry.actor).toBe('admin');
    expect(entry.details).toMatchObject({ resendOf: id, originalStatus: 'pending' });
  });

  it('answers not_found for an unknown delivery', async () => {
    const error = await core.callbacks.resend(core.em(), '00000000-0000-0000-0000-000000000000', 'cli').catch((e: unknown) => e);
    expect(isCoreError(error, 'not_found')).toBe(true);
  });
});
