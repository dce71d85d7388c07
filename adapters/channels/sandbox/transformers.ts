import { createHmac } from 'node:crypto';
import type { Fen } from '../../../core/money/fen.js';
import type { ChannelNotification, ChannelNotifyInput, PayAction, PayInRequest } from '../../../core/ports/index.js';
import { signaturesMatch } from '../../../core/signing/index.js';

/**
 * Pure mapping of the sandbox channel: the pay URL it hands out and the notification that
 * comes back through it. The "payer side" is `POST /channels/sandbox/notify?order&amount&sig`;
 * `sig` (HMAC-SHA256 with the plugin's derived key) proves the URL came from this
 * installation for exactly that order and amount, so nobody can pay an order with a URL
 * they made up, even in development.
 */
export const SANDBOX_ID = 'sandbox';
export const SANDBOX_NOTIFY_PATH = `/channels/${SANDBOX_ID}/notify`;

export class SandboxNotificationError extends Error {}

export function sandboxSignature(key: Buffer, orderPublicId: string, amount: Fen): string {
  return createHmac('sha256', key).update(`${orderPublicId}:${amount}`).digest('base64url');
}

/** Same-origin path that pays the order (what "Simulate payment" POSTs to). */
export function sandboxPayPath(key: Buffer, orderPublicId: string, amount: Fen): string {
  const query = new URLSearchParams({ order: orderPublicId, amount: String(amount), sig: sandboxSignature(key, orderPublicId, amount) });
  return `${SANDBOX_NOTIFY_PATH}?${query.toString()}`;
}

export function sandboxPayAction(request: PayInRequest, key: Buffer): PayAction {
  const path = sandboxPayPath(key, request.orderPublicId, request.amount);
  return {
    kind: 'qr',
    content: `${request.baseUrl}${path}`,
    hint: 'Sandbox channel: no real money moves. Use "Simulate payment" to pay.',
    simulatePaymentPath: path,
  };
}

function field(input: ChannelNotifyInput, name: string): string {
  const body = typeof input.body === 'object' && input.body !== null ? (input.body as Record<string, unknown>) : {};
  const value = input.query[name] ?? body[name];
  if (typeof value !== 'string' || value === '') throw new SandboxNotificationError(`missing ${name}`);
  return value;
}

/** Verifies a sandbox payment; throws SandboxNotificationError when it was not issued by us. */
export function parseSandboxNotification(input: ChannelNotifyInput, key: Buffer): ChannelNotification {
  const order = field(input, 'order');
  const amountText = field(input, 'amount');
  const sig = field(input, 'sig');
  if (!/^[1-9][0-9]{0,15}$/.test(amountText) || !Number.isSafeInteger(Number(amountText))) {
    throw new SandboxNotificationError('bad amount');
  }
  const amount = Number(amountText);
  if (!signaturesMatch(sandboxSignature(key, order, amount), sig)) throw new SandboxNotificationError('bad signature');
  return {
    orderPublicId: order,
    // One trade per order: pressing the button twice is the same payment, not a second one.
    upstreamTradeNo: `sandbox:${order}`,
    amountReceived: amount,
    paid: true,
    replyBody: 'success',
    replyStatus: 200,
  };
}
