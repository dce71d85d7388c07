import { describe, it, expect } from 'vitest';
import {
  PAYIN_CALLBACK_FIELDS,
  PAYIN_REQUEST_FIELDS,
  PAYOUT_CALLBACK_FIELDS,
  PAYOUT_REQUEST_FIELDS,
  QUERY_FIELDS,
  orderedMd5Sign,
  orderedMd5SignString,
  signFieldsFrom,
  verifyOrderedMd5,
} from './ordered-md5.js';

// Document 004. Each expected string is the documented template filled in by hand;
// each sign is `printf '%s' '<string>' | md5sum`.
const KEY = 'pm_secret_004';

const PAYIN_REQUEST = {
  amount: '100.00',
  appKey: 'APPKEY0001',
  callbackUrl: 'https://merchant.example.com/notify',
  channelId: '2',
  mrn: 'M202401010001',
  returnUrl: 'https://merchant.example.com/return',
  payer: '李四', // documented as not signed
  sign: 'ignored',
};
const PAYIN_REQUEST_STRING =
  'amount=100.00&appKey=APPKEY0001&callbackUrl=https://merchant.example.com/notify&channelId=2' +
  '&mrn=M202401010001&returnUrl=https://merchant.example.com/return&key=pm_secret_004';
const PAYIN_REQUEST_SIGN = '9674ae089672c3ad8713b58ec37da40b';

const PAYIN_CALLBACK = { amount: '99.50', appKey: 'APPKEY0001', channel: 2, mrn: 'M202401010001', originAmount: '100.00' };
const PAYIN_CALLBACK_STRING =
  'amount=99.50&appKey=APPKEY0001&channel=2&mrn=M202401010001&originAmount=100.00&key=pm_secret_004';
const PAYIN_CALLBACK_SIGN = '0d2f6434a356210f36925a5d236146cf';

const QUERY = { appKey: 'APPKEY0001', mrn: 'M202401010001', callback: 'true' };
const QUERY_STRING = 'appKey=APPKEY0001&mrn=M202401010001&key=pm_secret_004';
const QUERY_SIGN = 'ab800a89f3bc407b433a49002f5aed53';

const PAYOUT_REQUEST = {
  amount: 500,
  appKey: 'APPKEY0001',
  bankName: '中国工商银行',
  accountName: '张三',
  accountNumber: '6222020200112233445',
  mrn: 'P202401010001',
  callbackUrl: 'https://merchant.example.com/payout-notify',
};
const PAYOUT_REQUEST_STRING =
  'accountName=张三&accountNumber=6222020200112233445&amount=500&appKey=APPKEY0001&bankName=中国工商银行' +
  '&callbackUrl=https://merchant.example.com/payout-notify&mrn=P202401010001&key=pm_secret_004';
const PAYOUT_REQUEST_SIGN = 'afb1fb5d9bfa2153ece6c13770119e11';

const PAYOUT_CALLBACK = { amount: '500', appKey: 'APPKEY0001', mrn: 'P202401010001' };
const PAYOUT_CALLBACK_SIGN = '6c47b7f2689db1b365d7ebf6587f72ad';

describe('documented field orders', () => {
  it('match the 004 sign templates', () => {
    expect(PAYIN_REQUEST_FIELDS).toEqual(['amount', 'appKey', 'callbackUrl', 'channelId', 'mrn', 'returnUrl']);
    expect(PAYIN_CALLBACK_FIELDS).toEqual(['amount', 'appKey', 'channel', 'mrn', 'originAmount']);
    expect(QUERY_FIELDS).toEqual(['appKey', 'mrn']);
    expect(PAYOUT_REQUEST_FIELDS).toEqual([
      'accountName',
      'accountNumber',
      'amount',
      'appKey',
      'bankName',
      'callbackUrl',
      'mrn',
    ]);
    expect(PAYOUT_CALLBACK_FIELDS).toEqual(['amount', 'appKey', 'mrn']);
  });

  it('use ASCII names, not the look-alike letters of the document tables', () => {
    for (const name of [...PAYIN_REQUEST_FIELDS, ...PAYIN_CALLBACK_FIELDS, ...PAYOUT_REQUEST_FIELDS]) {
      expect(name).toMatch(/^[A-Za-z]+$/);
    }
  });
});

describe('signFieldsFrom', () => {
  it('picks the named fields in order, dropping everything else', () => {
    expect(signFieldsFrom(PAYIN_REQUEST, PAYIN_REQUEST_FIELDS)).toEqual([
      ['amount', '100.00'],
      ['appKey', 'APPKEY0001'],
      ['callbackUrl', 'https://merchant.example.com/notify'],
      ['channelId', '2'],
      ['mrn', 'M202401010001'],
      ['returnUrl', 'https://merchant.example.com/return'],
    ]);
  });

  it('turns missing and null values into "" and numbers into their string', () => {
    expect(signFieldsFrom({ amount: 500, appKey: null }, PAYOUT_CALLBACK_FIELDS)).toEqual([
      ['amount', '500'],
      ['appKey', ''],
      ['mrn', ''],
    ]);
  });

  it('refuses object values (e.g. a repeated query key)', () => {
    expect(() => signFieldsFrom({ mrn: ['a', 'b'] }, QUERY_FIELDS)).toThrow(TypeError);
  });
});

describe('orderedMd5SignString / orderedMd5Sign', () => {
  it.each([
    ['pay-in request', PAYIN_REQUEST, PAYIN_REQUEST_FIELDS, PAYIN_REQUEST_STRING, PAYIN_REQUEST_SIGN],
    ['pay-in callback', PAYIN_CALLBACK, PAYIN_CALLBACK_FIELDS, PAYIN_CALLBACK_STRING, PAYIN_CALLBACK_SIGN],
    ['query', QUERY, QUERY_FIELDS, QUERY_STRING, QUERY_SIGN],
    ['payout request (Chinese values)', PAYOUT_REQUEST, PAYOUT_REQUEST_FIELDS, PAYOUT_REQUEST_STRING, PAYOUT_REQUEST_SIGN],
    [
      'payout callback',
      PAYOUT_CALLBACK,
      PAYOUT_CALLBACK_FIELDS,
      'amount=500&appKey=APPKEY0001&mrn=P202401010001&key=pm_secret_004',
      PAYOUT_CALLBACK_SIGN,
    ],
  ] as const)('%s', (_name, record, names, text, sign) => {
    const fields = signFieldsFrom(record, names);
    expect(orderedMd5SignString(fields, KEY)).toBe(text);
    expect(orderedMd5Sign(fields, KEY)).toBe(sign);
  });

  it('keeps the given order even when it is not sorted', () => {
    expect(orderedMd5SignString([['mrn', 'M1'], ['appKey', 'A']], 'k')).toBe('mrn=M1&appKey=A&key=k');
  });

  it('keeps empty values in the string', () => {
    const fields = signFieldsFrom({ ...PAYIN_REQUEST, returnUrl: '' }, PAYIN_REQUEST_FIELDS);
    expect(orderedMd5SignString(fields, KEY)).toContain('&returnUrl=&key=');
    expect(orderedMd5Sign(fields, KEY)).toBe('68554c1ea5203d91cdb3416919a359a2');
  });

  it('refuses an empty key', () => {
    expect(() => orderedMd5Sign([], '')).toThrow();
  });
});

describe('verifyOrderedMd5', () => {
  const fields = signFieldsFrom(PAYOUT_REQUEST, PAYOUT_REQUEST_FIELDS);

  it('accepts the vector, uppercase hex too', () => {
    expect(verifyOrderedMd5(fields, KEY, PAYOUT_REQUEST_SIGN)).toBe(true);
    expect(verifyOrderedMd5(fields, KEY, PAYOUT_REQUEST_SIGN.toUpperCase())).toBe(true);
  });

  it('rejects a tampered value (amount, account name)', () => {
    expect(verifyOrderedMd5(signFieldsFrom({ ...PAYOUT_REQUEST, amount: 501 }, PAYOUT_REQUEST_FIELDS), KEY, PAYOUT_REQUEST_SIGN)).toBe(false);
    expect(
      verifyOrderedMd5(signFieldsFrom({ ...PAYOUT_REQUEST, accountName: '张四' }, PAYOUT_REQUEST_FIELDS), KEY, PAYOUT_REQUEST_SIGN),
    ).toBe(false);
  });

  it('rejects a different field order', () => {
    expect(verifyOrderedMd5([...fields].reverse(), KEY, PAYOUT_REQUEST_SIGN)).toBe(false);
  });

  it('rejects the pay-in request signed with `channel` instead of `channelId`', () => {
    const renamed = signFieldsFrom(PAYIN_REQUEST, PAYIN_REQUEST_FIELDS).map(([k, v]) => [k === 'channelId' ? 'channel' : k, v] as const);
    expect(verifyOrderedMd5(renamed, KEY, PAYIN_REQUEST_SIGN)).toBe(false);
  });

  it('rejects the wrong key, an empty key, and wrong-length or missing signs', () => {
    expect(verifyOrderedMd5(fields, 'pm_secret_005', PAYOUT_REQUEST_SIGN)).toBe(false);
    expect(verifyOrderedMd5(fields, '', PAYOUT_REQUEST_SIGN)).toBe(false);
    expect(verifyOrderedMd5(fields, KEY, PAYOUT_REQUEST_SIGN.slice(0, 16))).toBe(false);
    expect(verifyOrderedMd5(fields, KEY, '')).toBe(false);
    expect(verifyOrderedMd5(fields, KEY, undefined)).toBe(false);
  });
});
