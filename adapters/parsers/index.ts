import type { NotificationParser } from '../../core/ports/index.js';
import { alipayParser } from './alipay/alipay-parser.js';
import { icbcSmsParser } from './icbc-sms/icbc-sms-parser.js';
import { wechatParser } from './wechat/wechat-parser.js';

/**
 * Every notification parser paymesh ships, handed to `createCore({ notificationParsers })`.
 * Core picks the ones that claim a message by package name or SMS sender. Adding one is a
 * folder and a line here.
 */
export const notificationParsers: NotificationParser[] = [alipayParser, wechatParser, icbcSmsParser];
