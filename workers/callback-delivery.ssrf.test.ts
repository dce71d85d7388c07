import { afterAll, expect, it } from 'vitest';
import { CallbackStatus } from '../core/entities/index.js';
import { oweCallback } from '../core/services/callbacks.js';
import { startCallbackReceiver } from '../test/support/callback-receiver.js';
import { setupTestCore } from '../test/support/core.js';
import { waitFor } from '../test/support/processes.js';

import { callbackDeliveryWorker } from './callback-delivery.js';
import { startQueuePipeline } from '../test/support/queue-pipeline.js';

// Production posture: callbacks to loopback and private networks are refused.
const core = await setupTestCore({ CALLBACK_ALLOW_LOOPBACK: 'false', CALLBACK_RETRY_SCALE: '0.001' });
const pipeline = startQueuePipeline(core, 'callbacks-ssrf', [callbackDeliveryWorker]);
const receiver = await startCallbackReceiver(() => ({ status: 200, body: 'ok' }));

afterAll(async () => {
  await pipeline.close();
  await receiver.close();
});

it('refuses callbacks to loopback hosts without opening a connection, recording each refusal', async () => {
  const urls = [`${receiver.url}/cb`, `http://localhost:${receiver.port}/cb`, `http://[::ffff:127.0.0.1]:${receiver.port}/cb`];
  const ids = await core.em().transactional(async (tx) => {
    const owed: string[] = [];
    for (const [i, url] of urls.entries()) owed.push(await oweCallback(tx, { profile: 'doc002', merchantId: null, subject: { type: 'test', id: i }, url, body: 'x=1' }));
    return owed;
  });
  core.outboxCommitted();
  const finished = await waitFor(
    async () => (await Promise.all(ids.map((id) => core.callbacks.byId(core.em(), id)))).every((d) => d?.status === CallbackStatus.GivenUp),
    8000,
    25,
  );
  expect(finished).toBe(true);
  for (const id of ids) {
    const attempts = await core.callbacks.listAttempts(core.em(), id);
    expect(attempts).toHaveLength(3);
    for (const a of attempts) {
      expect(a).toMatchObject({ httpStatus: null, success: false, replySnippet: null });
      expect(a.error).toMatch(/^refused: .*loopback/);
    }
  }
  expect(receiver.connections()).toBe(0);
  expect(receiver.requests).toHaveLength(0);
});
