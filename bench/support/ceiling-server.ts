/**
 * The ceiling of report ingestion: a bare Fastify server whose `/api/report/{pid}/pc` does
 * exactly the per-request work of the real route that needs no storage — read the
 * parameters, check document 000's MD5 sign (constant-time, the same functions as the
 * adapter) and answer the document's envelope — and nothing else. No database, no Redis.
 * Run as its own process (`node --import tsx bench/support/ceiling-server.ts`) with
 * CEILING_PID, CEILING_KEY and PORT, like the all-in-one process it is compared with.
 */
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { loggerOptions } from '../../app/logger.js';
import { sendFailure, sendOk } from '../../adapters/rest/doc000/envelope.js';
import { requestParams } from '../../adapters/rest/doc000/params.js';
import { verifyMd5Sign } from '../../adapters/rest/doc000/signature.js';

const pid = process.env.CEILING_PID ?? '';
const key = process.env.CEILING_KEY ?? '';
const port = Number(process.env.PORT ?? 0);

// The same server options as app/http.ts, so the framework's own cost is the same.
const app = Fastify({ logger: loggerOptions('warn'), bodyLimit: 1024 * 1024, routerOptions: { caseSensitive: false } });
await app.register(formbody);
app.get('/healthz', async () => ({ status: 'ok' }));
app.post<{ Params: { pid: string } }>('/api/report/:pid/pc', async (req, reply) => {
  if (req.params.pid !== pid) return sendFailure(reply, 404, '商户不存在');
  const params = requestParams(req);
  if (!verifyMd5Sign(params, key)) return sendFailure(reply, 401, '签名错误');
  return sendOk(reply, { report_id: 0, status: 'matched', order_id: null, reason: null });
});
await app.listen({ port, host: '127.0.0.1' });

process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
