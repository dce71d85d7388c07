import { describe, it, expect } from 'vitest';
import { sortedMd5Sign, sortedMd5SignString, verifySortedMd5 } from './sorted-md5.js';

// Document 000. Expected strings were built with
//   jq -j 'del(.sign, .sign_type) | to_entries | map(select(.value != "" and .value != null))
//          | sort_by(.key) | map("\(.key)=\(.value)") | join("&")'
// and the signs with `{ cat string; printf '%s' pm_test_key_000; } | md5sum`.
const KEY = 'pm_test_key_000';

// The documented POST /api/report/{pid}/pc JSON example (numbers stay numbers, as a JSON body delivers them).
const PC_REPORT = {
  amount: 100,
  pay_type: 'alipay',
  channel_code: 'ali_qr',
  remark: '测试订单',
  pay_time: '2024-01-01 12:00:00',
  coll_user: '收款账号A',
  pay_user: '付款账号B',
  uid: 'user001',
  order_id: 'order123',
  out_order_id: 'outorder456',
  channel_account_id: 789,
  timestamp: '1710000000',
  sign: 'xxxxxx',
};
const PC_STRING =
  'amount=100&channel_account_id=789&channel_code=ali_qr&coll_user=收款账号A&order_id=order123' +
  '&out_order_id=outorder456&pay_time=2024-01-01 12:00:00&pay_type=alipay&pay_user=付款账号B' +
  '&remark=测试订单&timestamp=1710000000&uid=user001';
const PC_SIGN = '799eb3433ba731dedb1a37e81f223924';

// The documented POST /api/report/{pid} example: `content` is signed as the JSON text received.
const CONTENT =
  '{"from":"1069000000","package_name":"com.example.app","app_name":"示例APP","title":"通知标题",' +
  '"msg":"通知内容","receive_time":"2024-01-01 12:00:00","device_name":"设备A"}';
const NOTIFY_REPORT = { from: 'sms', content: CONTENT, timestamp: '1710000000', sign: 'xxxxxx' };
const NOTIFY_SIGN = '89d6a1f673ed7ac553c932e75c91b17b';

// A GET /pc query with empty/absent optional fields and a sign_type, none of which are signed.
const GET_PC = {
  amount: '100',
  pay_type: 'alipay',
  channel_code: 'ali_qr',
  remark: '',
  uid: null,
  out_order_id: undefined,
  sign_type: 'MD5',
  timestamp: '1710000000',
  sign: 'xxxxxx',
};
const GET_PC_STRING = 'amount=100&channel_code=ali_qr&pay_type=alipay&timestamp=1710000000';
const GET_PC_SIGN = 'e8876c668cda24d52309e4455525bbbf';

const HEART = { client_name: '客户端A', channel_id: 1, ext_data: '{"key":"value"}', timestamp: 1710000000, sign: 'x' };
const HEART_SIGN = '0730813c5e168a8c03e0f984edb0c83a';

describe('sortedMd5SignString', () => {
  it('sorts by key, skips sign, joins k=v with & (documented /pc example)', () => {
    expect(sortedMd5SignString(PC_REPORT)).toBe(PC_STRING);
  });

  it('signs the content JSON string as received', () => {
    expect(sortedMd5SignString(NOTIFY_REPORT)).toBe(`content=${CONTENT}&from=sms&timestamp=1710000000`);
  });

  it('skips "", null, undefined, sign and sign_type', () => {
    expect(sortedMd5SignString(GET_PC)).toBe(GET_PC_STRING);
  });

  it('keeps "0", false and whitespace — they are not empty', () => {
    expect(sortedMd5SignString({ b: '0', a: 0, c: false, d: ' ' })).toBe('a=0&b=0&c=false&d= ');
  });

  it('uses ASCII order (uppercase before lowercase, "_" between them), not locale order', () => {
    expect(sortedMd5SignString({ b: '1', a_b: '2', B: '3', a: '4', ab: '5' })).toBe('B=3&a=4&a_b=2&ab=5&b=1');
  });

  it('does not URL-encode', () => {
    expect(sortedMd5SignString({ url: 'https://x.example/a?b=1&c=2' })).toBe('url=https://x.example/a?b=1&c=2');
  });

  it('refuses object and array values rather than signing "[object Object]"', () => {
    expect(() => sortedMd5SignString({ a: { b: 1 } })).toThrow(TypeError);
    expect(() => sortedMd5SignString({ a: ['1', '2'] })).toThrow(TypeError);
  });
});

describe('sortedMd5Sign', () => {
  it.each([
    ['the /pc example', PC_REPORT, PC_SIGN],
    ['the notification example', NOTIFY_REPORT, NOTIFY_SIGN],
    ['a query with empty values', GET_PC, GET_PC_SIGN],
    ['the heartbeat example', HEART, HEART_SIGN],
  ])('matches the md5sum vector for %s', (_name, params, sign) => {
    expect(sortedMd5Sign(params, KEY)).toBe(sign);
  });

  it('does not depend on the order the params arrive in', () => {
    const reversed = Object.fromEntries(Object.entries(PC_REPORT).reverse());
    expect(sortedMd5Sign(reversed, KEY)).toBe(PC_SIGN);
  });

  it('refuses an empty key', () => {
    expect(() => sortedMd5Sign(PC_REPORT, '')).toThrow();
  });
});

describe('verifySortedMd5', () => {
  it('accepts the vectors', () => {
    expect(verifySortedMd5(PC_REPORT, KEY, PC_SIGN)).toBe(true);
    expect(verifySortedMd5(NOTIFY_REPORT, KEY, NOTIFY_SIGN)).toBe(true);
    expect(verifySortedMd5(GET_PC, KEY, GET_PC_SIGN)).toBe(true);
  });

  it('accepts uppercase hex (case-insensitive by decision)', () => {
    expect(verifySortedMd5(PC_REPORT, KEY, PC_SIGN.toUpperCase())).toBe(true);
  });

  it('treats numbers and their string form alike (form body vs JSON body)', () => {
    expect(verifySortedMd5({ ...PC_REPORT, amount: '100', channel_account_id: '789' }, KEY, PC_SIGN)).toBe(true);
  });

  it('ignores a changed sign_type, which is not signed', () => {
    expect(verifySortedMd5({ ...GET_PC, sign_type: 'RSA' }, KEY, GET_PC_SIGN)).toBe(true);
  });

  it('rejects a tampered value', () => {
    expect(verifySortedMd5({ ...PC_REPORT, amount: 101 }, KEY, PC_SIGN)).toBe(false);
    expect(verifySortedMd5({ ...NOTIFY_REPORT, content: CONTENT.replace('通知内容', '通知内容!') }, KEY, NOTIFY_SIGN)).toBe(
      false,
    );
  });

  it('rejects an added parameter, and a blank one turned non-blank', () => {
    expect(verifySortedMd5({ ...GET_PC, extra: '1' }, KEY, GET_PC_SIGN)).toBe(false);
    expect(verifySortedMd5({ ...GET_PC, remark: 'x' }, KEY, GET_PC_SIGN)).toBe(false);
  });

  it('rejects the wrong key, an empty key, and "&key=" style signing', () => {
    expect(verifySortedMd5(PC_REPORT, 'pm_test_key_001', PC_SIGN)).toBe(false);
    expect(verifySortedMd5(PC_REPORT, '', PC_SIGN)).toBe(false);
    // md5(GET_PC_STRING + '&key=' + KEY), from md5sum: the 004 style must not pass here.
    expect(verifySortedMd5(GET_PC, KEY, '74dbf017028a4ef6ebd9a70c2c6b9759')).toBe(false);
  });

  it('rejects a wrong-length, empty or missing sign without throwing', () => {
    expect(verifySortedMd5(PC_REPORT, KEY, PC_SIGN.slice(0, 31))).toBe(false);
    expect(verifySortedMd5(PC_REPORT, KEY, PC_SIGN + 'a')).toBe(false);
    expect(verifySortedMd5(PC_REPORT, KEY, '')).toBe(false);
    expect(verifySortedMd5(PC_REPORT, KEY, undefined)).toBe(false);
    expect(verifySortedMd5(PC_REPORT, KEY, [PC_SIGN])).toBe(false);
  });

  it('answers false, not a throw, for an unsignable object value', () => {
    expect(verifySortedMd5({ ...PC_REPORT, amount: ['100', '200'] }, KEY, PC_SIGN)).toBe(false);
  });
});
