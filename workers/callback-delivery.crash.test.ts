import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, expect, it } from 'vitest';
import { CallbackStatus, OutboxMessage } from '../core/entities/index.js';
import { oweCallback } from '../core/services/callbacks.js';
import { startCallbackReceiver } from '../test/support/callback-receiver.js';
import { setupTestCore } from '../test/support/core.js';
import { spawnOnTestDatabase, stopChildren, waitFor } from '../test/support/processes.js';
import { dropPrefix, testRedisUrl, uniquePrefix } from '../test/support/redis.js';
import { workerConnection } from './redis.js';

const core = await setupTestCore();
const prefix = uniquePrefix('callbacks-crash');
// Each case's first request is held open until its worker dies; every later one is acknowledged.
const receiver = await startCallbackReceiver((_req, i) => (i % 2 === 0 ? 'hang' : { status: 200, body: 'success' }));
const children: ChildProcess[] = [];

afterAll(async () => {
  await stopChildren(children, 'SIGKILL');
  await receiver.close();
  const redis = workerConnection(testRedisUrl);
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

/** The `workers` role in its own process, on this file's database and Redis prefix. */
function startWorkersProcess(firstAttempts: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawnOnTestDatabase(
    'test/support/workers-process.ts',
    [],
    { databaseUrl: core.databaseUrl, secretKeyHex: core.secretKeyHex, redisPrefix: prefix },
    {
      // Longer than the test holds the first request, so the worker dies mid-attempt.
      CALLBACK_TIMEOUT_MS: '30000',
      CALLBACK_RETRY_SCALE: '0.001',
      // A dead worker's job is taken over after about two lock periods.
      CALLBACK_LOCK_MS: '500',
      OUTBOX_POLL_MS: '50',
      CALLBACK_FIRST_ATTEMPTS: firstAttempts,
    },
    ['ignore', 'pipe', 'pipe'],
  );
  children.push(child);
  let output = '';
  const ready = new Promise<void>((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('ready')) res();
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => rej(new Error(`workers process exited (${code}) before ready: ${output}`)));
  });
  return { child, ready };
}

// The first attempt is made by the relay itself (its claim is recovered by the outbox
// sweep) or, with first attempts off, by a BullMQ job (recovered as a stalled job).
it.each([
  ['the relay\'s first attempt', '128'],
  ['a BullMQ job', '0'],
])('loses no callback when the process is killed mid-delivery by %s', async (_path, firstAttempts) => {
  const sentBefore = receiver.requests.length;
  const mrn = `CRASH-${firstAttempts}`;
  const body = `amount=10.00&appKey=ak&channel=2&mrn=${mrn}&originAmount=10.00&sign=ffffffffffffffffffffffffffffffff`;
  const id = await core.em().transactional(async (tx) =>
    oweCallback(tx, { profile: 'doc004', merchantId: null, subject: { type: 'payin', id: mrn }, url: `${receiver.url}/notify`, body }),
  );

  const first = startWorkersProcess(firstAttempts);
  await first.ready;
  await receiver.waitForRequests(sentBefore + 1, 8000); // the first worker is now inside the attempt
  const killed = once(first.child, 'exit');
  first.child.kill('SIGKILL');
  await killed;

  // The attempt died with its worker: nothing was recorded and nothing is lost.
  const orphaned = await core.callbacks.byId(core.em(), id);
  expect(orphaned).toMatchObject({ status: CallbackStatus.Pending, attemptCount: 0 });
  expect((await core.em().findOneOrFail(OutboxMessage, { id })).completedAt).toBeNull();

  const second = startWorkersProcess(firstAttempts);
  await second.ready;
  const delivered = await waitFor(async () => (await core.callbacks.byId(core.em(), id))?.status === CallbackStatus.Delivered, 8000, 50);
  expect(delivered).toBe(true);

  const attempts = await core.callbacks.listAttempts(core.em(), id);
  expect(attempts.map((a) => [a.number, a.httpStatus, a.success])).toEqual([[1, 200, true]]);
  expect((await core.em().findOneOrFail(OutboxMessage, { id })).completedAt).toBeInstanceOf(Date);
  // At-least-once: the receiver saw the interrupted request and the delivered one, same bytes.
  const sent = receiver.requests.slice(sentBefore);
  expect(sent).toHaveLength(2);
  for (const req of sent) expect(req.body.toString('utf8')).toBe(body);

  const stopped = once(second.child, 'exit');
  second.child.kill('SIGTERM');
  const [code] = (await stopped) as [number | null];
  expect(code).toBe(0);
});
