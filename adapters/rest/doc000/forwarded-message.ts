import type { ForwardedMessage } from '../../../core/ports/index.js';
import { badParams } from './envelope.js';
import type { RawParams } from './params.js';

/** How `/api/report/{pid}` was spoken: the document's shape, or SmsForwarder's stock webhook. */
export interface ReadNotification {
  format: 'document' | 'smsforwarder';
  message: ForwardedMessage;
  deviceName: string | null;
}

const ITEM_KEYS = ['from', 'package_name', 'app_name', 'title', 'msg', 'receive_time', 'device_name'] as const;
const PACKAGE_NAME = /^[A-Za-z][\w]*(\.[\w]+)+$/;

function itemOf(content: string): Record<string, unknown> | null {
  if (!content.trimStart().startsWith('{')) return null;
  try {
    const parsed = JSON.parse(content) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const item = parsed as Record<string, unknown>;
    return ITEM_KEYS.some((k) => k in item) ? item : null;
  } catch {
    return null;
  }
}

function text(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') {
    // Decoded from `content`'s JSON (`\u0000`), past requestParams' check of the raw values.
    if (value.includes('\u0000')) throw badParams(`${field} must not contain the NUL character`);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badParams(`${field} must be a string`);
}

/**
 * The notification in a request. Document shape: `content` is a SmsForwarderItem JSON
 * (`from`, `package_name`, `app_name`, `title`, `msg`, `receive_time`, `device_name`).
 * SmsForwarder's stock webhook: `from` is the SMS sender or the notifying app's package
 * name and `content` the message text (its own template's rendering), with optional
 * `title`, `receive_time` and `device_mark` parameters from the template paymesh documents.
 */
export function readForwardedMessage(params: RawParams): ReadNotification {
  const content = String(params.content ?? '');
  const item = itemOf(content);
  if (item) {
    const msg = text(item.msg, 'content.msg') ?? '';
    const title = text(item.title, 'content.title');
    if (!msg && !title) throw badParams('content.msg is required');
    return {
      format: 'document',
      message: {
        sender: text(item.from, 'content.from'),
        packageName: text(item.package_name, 'content.package_name'),
        appName: text(item.app_name, 'content.app_name'),
        title,
        text: msg,
        receiveTime: text(item.receive_time, 'content.receive_time'),
      },
      deviceName: text(item.device_name, 'content.device_name'),
    };
  }
  const from = String(params.from ?? '').trim();
  return {
    format: 'smsforwarder',
    message: {
      sender: from || null,
      packageName: PACKAGE_NAME.test(from) ? from : null,
      appName: null,
      title: text(params.title, 'title'),
      text: content,
      receiveTime: text(params.receive_time, 'receive_time'),
    },
    deviceName: text(params.device_mark ?? params.device_name, 'device_mark'),
  };
}
