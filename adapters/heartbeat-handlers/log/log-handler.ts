import type { Logger } from 'pino';
import type { HeartbeatHandler } from '../../../core/ports/index.js';

/**
 * Writes each heartbeat to the log at debug level: which client, which accounts, and the
 * keys of its `ext_data` (the values can be anything a monitor app chose to send, so they
 * stay out of the log).
 */
export function logHeartbeatHandler(log: Pick<Logger, 'debug'>): HeartbeatHandler {
  return {
    id: 'log',
    async handle(event) {
      const extDataKeys = event.extData && typeof event.extData === 'object' && !Array.isArray(event.extData) ? Object.keys(event.extData) : [];
      log.debug(
        {
          merchantId: event.merchantId,
          clientName: event.clientName,
          channelId: event.channelId,
          collectionAccountIds: event.collectionAccountIds,
          extDataKeys,
          extDataIsJson: event.extDataRaw !== null && event.extData !== null,
        },
        'monitor heartbeat',
      );
    },
  };
}
