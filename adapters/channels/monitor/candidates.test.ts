import { describe, expect, it } from 'vitest';
import type { CollectionAccountView } from '../../../core/ports/index.js';
import { accountAccepts, monitorCandidates, noCandidateReason, steppedAmounts } from './candidates.js';

function account(id: number, over: Partial<CollectionAccountView> = {}): CollectionAccountView {
  return {
    id,
    merchantId: 1,
    payType: 'alipay',
    channelCode: 'ali_qr',
    qrContent: `https://qr.alipay.com/acc${id}`,
    minAmount: null,
    maxAmount: null,
    dailyCap: null,
    receivedToday: 0,
    online: true,
    enabled: true,
    ...over,
  };
}

describe('monitor candidates', () => {
  it('steps 1 fen at a time in the configured direction, never to zero', () => {
    expect(steppedAmounts(10000, { count: 3, direction: 'down' })).toEqual([10000, 9999, 9998, 9997]);
    expect(steppedAmounts(10000, { count: 2, direction: 'up' })).toEqual([10000, 10001, 10002]);
    expect(steppedAmounts(10000, { count: 2, direction: 'both' })).toEqual([10000, 9999, 10001, 9998, 10002]);
    expect(steppedAmounts(2, { count: 3, direction: 'down' })).toEqual([2, 1]);
    expect(steppedAmounts(500, { count: 0, direction: 'both' })).toEqual([500]);
  });

  it('offers the exact amount on every account before any shifted amount, least-used account first', () => {
    const accounts = [account(1, { receivedToday: 5000 }), account(2)];
    const pairs = monitorCandidates(1000, accounts, { count: 1, direction: 'down' }).map((c) => [c.collectionAccountId, c.payableAmount]);
    expect(pairs).toEqual([
      [2, 1000],
      [1, 1000],
      [2, 999],
      [1, 999],
    ]);
  });

  it('skips offline, disabled, out-of-range and capped accounts, amount by amount', () => {
    const accounts = [
      account(1, { online: false }),
      account(2, { enabled: false }),
      account(3, { minAmount: 1000 }),
      account(4, { maxAmount: 999 }),
      account(5, { dailyCap: 10_999, receivedToday: 10_000 }),
    ];
    const pairs = monitorCandidates(1000, accounts, { count: 1, direction: 'down' }).map((c) => [c.collectionAccountId, c.payableAmount]);
    expect(pairs).toEqual([
      [3, 1000],
      [4, 999],
      [5, 999],
    ]);
  });

  it('shows the account QR and the exact amount to pay', () => {
    const [first] = monitorCandidates(9999, [account(7, { payType: 'wxpay', qrContent: 'wxp://f2f0abc' })], { count: 0, direction: 'down' });
    expect(first!.action).toMatchObject({ kind: 'qr', content: 'wxp://f2f0abc' });
    expect(first!.action.hint).toContain('微信');
    expect(first!.action.hint).toContain('99.99 元');
  });

  it('explains why nothing fits', () => {
    expect(noCandidateReason(100, 'alipay', [])).toMatch(/no enabled alipay collection account/);
    expect(noCandidateReason(100, 'alipay', [account(1, { online: false })])).toMatch(/is online/);
    expect(noCandidateReason(100, null, [account(1, { maxAmount: 50 })])).toMatch(/accepts 1.00 yuan/);
    expect(accountAccepts(account(1, { dailyCap: 100, receivedToday: 0 }), 100)).toBe(true);
  });
});
