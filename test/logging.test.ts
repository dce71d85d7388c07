import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../app/http.js';
import { setupTestCore } from './support/core.js';
import { issueDoc004Merchant, signPayIn } from './support/doc004.js';

const core = await setupTestCore({ LOG_LEVEL: 'info' });
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const app = await buildHttpServer({ core, logDestination: sink });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
afterAll(() => app.close());

describe('request logs', () => {
  it('carry a request id per request and never a key, a sign or a bearer token', async () => {
    const shop = await issueDoc004Merchant(core);
    const signed = signPayIn(
      { amount: '10.00', appKey: shop.appKey, callbackUrl: 'http://127.0.0.1:9/cb', channelId: '1', mrn: 'LOG-1', returnUrl: 'http://127.0.0.1:9/r' },
      shop.appSecret,
    );
    await fetch(`${base}/api/Pay/Create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer super-secret-bearer-token', 'x-api-key': 'pk_secret_api_key', 'x-request-id': 'req-log-1' },
      body: JSON.stringify(signed),
    });
    await fetch(`${base}/api/Payments/Query?appKey=${shop.appKey}&mrn=LOG-1&sign=${signed.sign}&callback=false`);
    const log = lines.join('\n');
    expect(lines.some((l) => JSON.parse(l).reqId === 'req-log-1')).toBe(true);
    expect(log).toContain('/api/Payments/Query');
    for (const secret of [shop.appSecret, signed.sign!, 'super-secret-bearer-token', 'pk_secret_api_key']) expect(log).not.toContain(secret);
  });
});
