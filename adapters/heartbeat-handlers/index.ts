import type { Logger } from 'pino';
import type { HeartbeatHandler } from '../../core/ports/index.js';
import { logHeartbeatHandler } from './log/log-handler.js';

/**
 * Every heartbeat handler paymesh ships, handed to `createCore({ heartbeatHandlers })`;
 * each receives every monitor heartbeat's `ext_data`. Adding one is a folder and a line here.
 */
export function createHeartbeatHandlers(deps: { log: Pick<Logger, 'debug'> }): HeartbeatHandler[] {
  return [logHeartbeatHandler(deps.log)];
}
