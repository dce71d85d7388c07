import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Core } from '../../../../core/core.js';
import { authenticateMerchant } from '../callers.js';
import { sendOk } from '../envelope.js';
import { optionalRowId, readParams, requestParams, requiredText, sign, timestamp } from '../params.js';

const heartSchema = z.object({
  client_name: requiredText(64),
  channel_id: optionalRowId,
  // Kept exactly as received (no trimming): it is handed to the heartbeat plugins as is.
  ext_data: z
    .union([z.string(), z.number(), z.boolean()])
    .transform(String)
    .pipe(z.string().max(65_535, 'must be at most 65535 characters'))
    .optional(),
  timestamp,
  sign,
});

/**
 * `GET|POST /api/report/{pid}/heart`: the client `client_name` (and the collection accounts
 * it watches) is alive. `channel_id` names a collection account this client serves; it is
 * bound to the client by the heartbeat.
 */
export function registerHeartbeatRoutes(app: FastifyInstance, core: Core): void {
  const handler = async (req: FastifyRequest<{ Params: { pid: string } }>, reply: FastifyReply) => {
    const params = requestParams(req);
    const input = readParams(heartSchema, params);
    const { merchant, guard } = await authenticateMerchant(core, req.params.pid, params, input.timestamp);
    const { handlerFailures } = await core.monitorReports.heartbeat(
      core.em(),
      { merchantId: merchant.id, clientName: input.client_name, channelId: input.channel_id, extData: input.ext_data || null },
      guard,
    );
    for (const failure of handlerFailures) req.log.warn(failure, 'doc000: heartbeat handler failed');
    return sendOk(reply);
  };
  app.get('/:pid/heart', handler);
  app.post('/:pid/heart', handler);
}
