import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';
import { isCoreError } from '../../core/services/errors.js';

/**
 * `GET|POST /channels/{plugin}/notify`: where a payment channel's upstream (or, for the
 * sandbox, the cashier's "Simulate payment" button) reports a payment. The plugin verifies
 * it, core settles the order in one transaction, and the plugin's reply body goes back.
 * A plugin that is not active (the sandbox with SANDBOX_CHANNEL off) has no endpoint: 404.
 * Refusals are plain text, the lowest common denominator of upstream notifiers: `fail: <reason>`,
 * 404 unknown plugin or order, 400 unverifiable notification, 409 order that cannot be paid.
 */
export const channelNotifyRoutes: FastifyPluginAsync<{ core: Core }> = async (app, { core }) => {
  // Upstreams post XML or text as often as forms: keep such bodies as a raw string for the plugin.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? 400 : 500;
    if (status === 500) req.log.error({ err }, 'channel notification failed');
    return reply.code(status).type('text/plain; charset=utf-8').send(status === 500 ? 'fail: internal error' : 'fail: unreadable notification');
  });

  app.route<{ Params: { plugin: string } }>({
    method: ['GET', 'POST'],
    url: '/channels/:plugin/notify',
    handler: async (req, reply) => {
      const input = {
        headers: req.headers,
        query: (req.query ?? {}) as Record<string, unknown>,
        body: req.body,
        rawBody: typeof req.body === 'string' ? req.body : undefined,
      };
      try {
        const { notification } = await core.payins.acceptChannelNotification(core.em(), req.params.plugin, input);
        return reply
          .code(notification.replyStatus ?? 200)
          .type('text/plain; charset=utf-8')
          .send(notification.replyBody);
      } catch (e) {
        if (!isCoreError(e)) throw e;
        const status = e.code === 'not_found' ? 404 : e.code === 'unauthenticated' ? 400 : 409;
        req.log.warn({ plugin: req.params.plugin, code: e.code, reason: e.message }, 'channel notification refused');
        return reply.code(status).type('text/plain; charset=utf-8').send(`fail: ${e.message}`);
      }
    },
  });
};
