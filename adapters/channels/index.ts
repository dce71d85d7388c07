import type { PaymentChannelPlugin } from '../../core/ports/index.js';
import { monitorChannel } from './monitor/index.js';
import { sandboxChannel } from './sandbox/index.js';

/**
 * Every payment channel plugin paymesh ships; `createCore({ channels })` receives this list
 * and the channel table (`Channel.plugin`) chooses among them by id. Adding one is one line.
 */
export const paymentChannelPlugins: PaymentChannelPlugin[] = [sandboxChannel, monitorChannel];
