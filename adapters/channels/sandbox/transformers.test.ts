import { describe, expect, it } from 'vitest';
import { parseSandboxNotification, sandboxPayAction, sandboxPayPath, SandboxNotificationError } from './transformers.js';

const key = Buffer.alloc(32, 7);
const request = {
  orderPublicId: 'pi_abc',
  merchantId: 1,
  channelId: 1,
  payType: 'wxpay',
  amount: 1234,
  expiresAt: new Date(0),
  baseUrl: 'https://pay.example',
};
const notification = (path: string) => ({ headers: {}, query: Object.fromEntries(new URL(path, 'http://x').searchParams), body: undefined });

describe('sandbox transformers', () => {
  it('hands out a QR of its own absolute pay URL and the same path for the cashier button', () => {
    const action = sandboxPayAction(request, key);
    expect(action.kind).toBe('qr');
    expect(action.simulatePaymentPath).toMatch(/^\/channels\/sandbox\/notify\?order=pi_abc&amount=1234&sig=[A-Za-z0-9_-]{43}$/);
    expect(action.content).toBe(`https://pay.example${action.simulatePaymentPath}`);
  });

  it('turns its own pay URL into a paid notification for that order and amount', () => {
    expect(parseSandboxNotification(notification(sandboxPayPath(key, 'pi_abc', 1234)), key)).toEqual({
      orderPublicId: 'pi_abc',
      upstreamTradeNo: 'sandbox:pi_abc',
      amountReceived: 1234,
      paid: true,
      replyBody: 'success',
      replyStatus: 200,
    });
  });

  it('rejects a URL whose amount or order was changed, or that another key signed', () => {
    const genuine = notification(sandboxPayPath(key, 'pi_abc', 1234));
    const cases = [
      { ...genuine, query: { ...genuine.query, amount: '1' } },
      { ...genuine, query: { ...genuine.query, order: 'pi_other' } },
      notification(sandboxPayPath(Buffer.alloc(32, 8), 'pi_abc', 1234)),
      { ...genuine, query: { ...genuine.query, amount: '-5' } },
      { ...genuine, query: { order: 'pi_abc', amount: '1234' } },
    ];
    for (const input of cases) expect(() => parseSandboxNotification(input, key)).toThrow(SandboxNotificationError);
  });

  it('also reads the fields from a form body', () => {
    const q = notification(sandboxPayPath(key, 'pi_abc', 1234)).query;
    expect(parseSandboxNotification({ headers: {}, query: {}, body: q }, key).amountReceived).toBe(1234);
  });
});
