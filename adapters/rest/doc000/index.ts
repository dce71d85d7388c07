import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { RestAdapter, RestAdapterOptions } from '../adapter.js';
import { failureOf, sendFailure } from './envelope.js';
import { registerHeartbeatRoutes } from './routes/heartbeat.js';
import { registerNotificationRoutes } from './routes/notification.js';
import { registerPaymentReportRoutes } from './routes/payment-report.js';
import { registerThirdAccountRoutes } from './routes/third-account.js';

/**
 * Document 000 under `/api/report`: every answer, including Fastify's own refusals (bad
 * JSON, unknown content type) and unknown paths, is the document's `{code,message,data}`
 * envelope with the HTTP status equal to `code`.
 */
const doc000Plugin: FastifyPluginAsync<RestAdapterOptions> = async (app, { core }) => {
  await app.register(
    async (scope: FastifyInstance) => {
      scope.setErrorHandler((err, req, reply) => {
        const failure = failureOf(err);
        if (failure.code === 500) req.log.error({ err }, 'doc000: internal error');
        return sendFailure(reply, failure.code, failure.message);
      });
      scope.setNotFoundHandler((_req, reply) => sendFailure(reply, 404, '接口不存在'));
      registerThirdAccountRoutes(scope, core);
      registerNotificationRoutes(scope, core);
      registerPaymentReportRoutes(scope, core);
      registerHeartbeatRoutes(scope, core);
    },
    { prefix: '/api/report' },
  );
};

export const doc000Adapter: RestAdapter = {
  name: 'doc000',
  description: 'Document 000: monitor reports (notifications, payments, heartbeats, third-party accounts)',
  plugin: doc000Plugin,
};
