import { describe, it, expect } from 'vitest';
import { concatMd5Sign, verifyConcatMd5 } from './concat-md5.js';

// Document 002, with the document's example fields and the key pm_md5key_002.
// Vectors: printf '%s' '<concatenation><key>' | md5sum
const KEY = 'pm_md5key_002';
const UID = '3928857';
const ORDER_NO = '20160427210604000490';
const PHONE = '13999999999';

const ORDER_SIGN = '04df4a0a289293d6ef7c8a2ef1aef12b'; // 39288572016042721060400049013999999999100pm_md5key_002
const CALLBACK_SIGN = '1d7d58140d102371c9b41785645496c6'; // … + face_value 100 + status 4 + key
const BALANCE_SIGN = 'fbd232413e58a9a4bec1b10f5aab0d8a'; // 3928857pm_md5key_002
const QUERY_SIGN = '80b558c171f3d15d515bbe8dadae1051'; // 3928857280399999349719680pm_md5key_002

// The documented balance `data` string (with Chinese), signed as one part.
const BALANCE_DATA =
  '{"code":200,"count":1,"data":{"accountBalance":138501,"billingDate":1614009600000,"currency":"人民币",' +
  '"expenditure":0,"gmtCreate":1614058382000,"id":35,"income":1188,"operatorName":"运营商","payMoney":1200,' +
  '"paymentDetailId":54631,"record":"订单收款"},"msg":"success"}';
const BALANCE_DATA_SIGN = 'cc44d16ee9a194aef9e640cc8ec4b277';

describe('concatMd5Sign', () => {
  it('order push: md5(uid + order_no + phone_number + face_value + md5key)', () => {
    expect(concatMd5Sign([UID, ORDER_NO, PHONE, '100'], KEY)).toBe(ORDER_SIGN);
  });

  it('stringifies numeric parts as written (face_value 100 sent as a JSON number)', () => {
    expect(concatMd5Sign([UID, ORDER_NO, PHONE, 100], KEY)).toBe(ORDER_SIGN);
  });

  it('callback: md5(uid + order_no + phone_number + face_value + status + md5key)', () => {
    expect(concatMd5Sign([UID, ORDER_NO, PHONE, 100, 4], KEY)).toBe(CALLBACK_SIGN);
  });

  it('balance: md5(uid + md5key); query: md5(uid + order_no + md5key)', () => {
    expect(concatMd5Sign([UID], KEY)).toBe(BALANCE_SIGN);
    expect(concatMd5Sign([UID, '280399999349719680'], KEY)).toBe(QUERY_SIGN);
  });

  it('hashes UTF-8 (a JSON data string with Chinese)', () => {
    expect(concatMd5Sign([BALANCE_DATA], KEY)).toBe(BALANCE_DATA_SIGN);
  });

  it('refuses an empty key', () => {
    expect(() => concatMd5Sign([UID], '')).toThrow();
  });
});

describe('verifyConcatMd5', () => {
  it('accepts the vectors, uppercase hex too', () => {
    expect(verifyConcatMd5([UID, ORDER_NO, PHONE, 100], KEY, ORDER_SIGN)).toBe(true);
    expect(verifyConcatMd5([UID, ORDER_NO, PHONE, 100], KEY, ORDER_SIGN.toUpperCase())).toBe(true);
  });

  it('rejects a tampered face value or status', () => {
    expect(verifyConcatMd5([UID, ORDER_NO, PHONE, 1000], KEY, ORDER_SIGN)).toBe(false);
    expect(verifyConcatMd5([UID, ORDER_NO, PHONE, 100, 9], KEY, CALLBACK_SIGN)).toBe(false);
  });

  it('rejects the wrong key and an empty key', () => {
    expect(verifyConcatMd5([UID], 'pm_md5key_003', BALANCE_SIGN)).toBe(false);
    expect(verifyConcatMd5([UID], '', BALANCE_SIGN)).toBe(false);
  });

  it('rejects wrong-length, empty and non-string signs', () => {
    expect(verifyConcatMd5([UID], KEY, BALANCE_SIGN.slice(1))).toBe(false);
    expect(verifyConcatMd5([UID], KEY, '')).toBe(false);
    expect(verifyConcatMd5([UID], KEY, 42)).toBe(false);
  });

  it('cannot tell where one part ends (a property of the protocol, shown here on purpose)', () => {
    expect(verifyConcatMd5(['39288', '57'], KEY, BALANCE_SIGN)).toBe(true);
  });
});
