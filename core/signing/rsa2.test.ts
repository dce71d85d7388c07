import { describe, it, expect } from 'vitest';
import { createPublicKey } from 'node:crypto';
import {
  generateRsaKeyPair,
  loadRsaPublicKey,
  normalizePrivateKeyPem,
  normalizePublicKeyPem,
  rsa2Sign,
  rsa2SignContent,
  rsa2Verify,
} from './rsa2.js';
import {
  EC_PUBLIC_KEY,
  OTHER_PRIVATE_KEY,
  OTHER_PUBLIC_KEY,
  PRIVATE_KEY_PKCS1,
  PRIVATE_KEY_PKCS8,
  PUBLIC_KEY_PKCS1,
  PUBLIC_KEY_SPKI,
} from './test-keys.js';

// Document 003. The expected content was built from the document's request example with
//   jq -j 'del(.sign) | to_entries | map(select(.value != "" and .value != null)) | sort_by(.key)
//          | map("\(.key)=\(.value)") | join("&")'
// and every signature below with `openssl dgst -sha256 -sign <key.pem> <file> | base64 -w0`
// using the keys in test-keys.ts (PKCS#1 v1.5 signatures are deterministic).

// The request example of document 003, as received (its own sign was made with a key we do not have).
const REQUEST = {
  charset: 'utf-8',
  biz_content: "{\"fee_amount\":1,\"goods_detail\":\"[{\\\"goods_id\\\":\\\"apple-01\\\",\\\"goods_name\\\":\\\"ipad\\\",\\\"quantity\\\":1,\\\"price\\\":200000,\\\"goods_id\\\":\\\"apple-01\\\",\\\"goods_category\\\":\\\"34543238\\\",\\\"real_price\\\":199999,\\\"body\\\":\\\"特价手机\\\",\\\"goods_fee_amount\\\":1},{\\\"goods_name\\\":\\\"ipad2\\\",\\\"quantity\\\":1,\\\"price\\\":200000,\\\"goods_id\\\":\\\"apple-02\\\",\\\"goods_category\\\":\\\"34543239\\\",\\\"real_price\\\":199999,\\\"body\\\":\\\"特价手机2\\\",\\\"goods_fee_amount\\\":1}]\",\"merchant_id\":\"1000000000826\",\"node_id\":\"100001\",\"order_amount\":199,\"order_id\":\"100010001\",\"order_time\":\"20240301131800\",\"org_order_id\":\"100010000\",\"pay_merchant_id\":\"1302329392\",\"pay_type\":\"502\",\"remark\":\"备注\",\"store_id\":\"20008221\",\"trade_no\":\"2019112011001004330000121536\",\"trade_type\":\"1\",\"user_id\":\"01\",\"split_rule_source\":\"1\"}",
  method: 'bkfunds.order.upload',
  format: 'json',
  sign: 'bP6dfs2LgvpxhyeTS+VwfSp+26Pgi6VPLagYIGx5ENL5shQmXWBel56nxkDi22hoopKuqO3FbomxIuFMuMPDWuFzJCHLW2O9yTut+94Rx0f8ICikYVanMAhsaIIeMx0g9AdZzqP2IOou0xD7udmeXmCZqKw/h73+VzXM5aRtSPCeQI7zlKd2wyKmhvjdc9ujXZ5phNeZgdtjLm5tI2Xnq+XIh+6shnRS+4Q1LFo6ubgBsEBHpVo4dsJJSknj4q+9hc38nmpPUNLPIV154Z+WiZsAllXaHunrt5lsnixdrqr3VkkDwpfkH4JzZS0hIZi7CsfhePWgra1GfI/BbYRvwQ==',
  app_id: '202404221232028501746384896',
  sign_type: 'RSA2',
  version: '1.0',
  timestamp: '2024-04-28 15:09:29',
};
const REQUEST_CONTENT = "app_id=202404221232028501746384896&biz_content={\"fee_amount\":1,\"goods_detail\":\"[{\\\"goods_id\\\":\\\"apple-01\\\",\\\"goods_name\\\":\\\"ipad\\\",\\\"quantity\\\":1,\\\"price\\\":200000,\\\"goods_id\\\":\\\"apple-01\\\",\\\"goods_category\\\":\\\"34543238\\\",\\\"real_price\\\":199999,\\\"body\\\":\\\"特价手机\\\",\\\"goods_fee_amount\\\":1},{\\\"goods_name\\\":\\\"ipad2\\\",\\\"quantity\\\":1,\\\"price\\\":200000,\\\"goods_id\\\":\\\"apple-02\\\",\\\"goods_category\\\":\\\"34543239\\\",\\\"real_price\\\":199999,\\\"body\\\":\\\"特价手机2\\\",\\\"goods_fee_amount\\\":1}]\",\"merchant_id\":\"1000000000826\",\"node_id\":\"100001\",\"order_amount\":199,\"order_id\":\"100010001\",\"order_time\":\"20240301131800\",\"org_order_id\":\"100010000\",\"pay_merchant_id\":\"1302329392\",\"pay_type\":\"502\",\"remark\":\"备注\",\"store_id\":\"20008221\",\"trade_no\":\"2019112011001004330000121536\",\"trade_type\":\"1\",\"user_id\":\"01\",\"split_rule_source\":\"1\"}&charset=utf-8&format=json&method=bkfunds.order.upload&sign_type=RSA2&timestamp=2024-04-28 15:09:29&version=1.0";
const REQUEST_SIGN = 'lNkJlpBfF4qRwKfdJUEjS+1MR3+Rp93oGRSDapyXqVU7Dk4RHwK6lkeBtXhXiBg3h7PX50c5085ar6+sNrAWv74bdb1c5qkbejd5nY4fQ62OQTBtdD7rMOV4X8R1MGn4bldk+nqsHlzUU0Fp2z7feDBqWebe9VWs/nDH6891dchqe9zwC7df/frWfdK+ak5eFWai+tlVYJAk9sOzJ69+c+QPUSXOa+bX4CTEhHTHr1qrVfzlFmICpAWXGWA2EItPMzfs1PzvVMTyV9xeT9D7dQUBfhUnVeN7eudcN4Lbh/QR4p+5roB6A2ulANcaRzPL+NfO9dXokDGXplYvVp/olg==';

// The error_response object of document 003 as JSON text (Chinese values), as a response sign covers it.
const ERROR_TEXT = '{"request_id":"0d27836fcac345729176359388aeeb74","code":"40004","msg":"业务处理失败","sub_code":"isv.name-error","sub_msg":"姓名错误"}';
const ERROR_SIGN = 'ltwJwAO6J+yNL3ds3XcmMyompJ+lGWdNyYDaVG9JzejLjA1Uprgv3HNjgy2BKDwCBFAxhCCvgN9S0Mart9PsonrP1T3Vu1G0ZlmNtf1A6lBtMeIxpbFChMRnaSd0NRmCegf4uhIxvtHBPZo60ptTDpdfqPOhbM4NjIBxd3Bn2c6ZhNh5A6cx3C2RWT55jteZOEt6HvJvfBWdW9PBxI403pGLp9792MtiORLkJsSTDOO90QfoX3G1fGrwUUGxr2Kdqr76DMxHFzWgHK3e4J6Znbe3lNotR9eeULv7ODypr0ZTqskjln9yz8z087TL0iXPp6AsMarhWXDYCjSs6PrbQA==';
const ERROR_SIGN_OTHER_KEY = 'E2y4E39Uasy6cdp6SZqXtd8PmoTZg01y6JcNP419NiEyKyehkYms2Le9a2OLWI2j6mB37vXSIJp/ElBAMjMqvFS2+hgMJku4v0CFPv4CnmhnVR20CR6vKI13p9KSQznTL9ahQcS47/CpTk3rv6pGWUZSInsUpM1neGi+gafkxVKdPFFdUbZnZSbVZk1osSGZWbLwQet9AbqeOCJIyXEoWm1IdGbVPPOYVG6fp1zJWVpY3HhWAJ0ws01uGfTQZiJYb+yzBhDJFoedUYhwxqqqzfMU7v7T22NgQ30R09Gej+FV1gOe5EmW2lMmmzfmuZxYslOnwPXGSo9oNQTjwrcbyw==';

const SUCCESS_TEXT = '{"request_id":"4b8e7ca9cbcb448491df2f0120e49b9d","code":"10000","msg":"success","success":true,"data":""}';
const SUCCESS_SIGN = 'bX84rHGX2yCK5vEO5S3TQM/BFZph2onB0mTsARGeRBsDz8kvWhW2A5vDkaehpKqJBUzZs7C3XtNV31Z+Ndk+7bmIK3FVMS0Br5HiIH6uZQ9vbUNRa+MJLt0xk9DnHVgAZmH0iVFRNKo8SVhBkycvza91OvB+KjCJydOxGdQvfR4TFLgwxU34TxAzZwIbAQljjiDt6Rctj605xjrwy0xM/zASqIZS2n/O09QDoknjDKkVqeQfUHgl7SYepVz6WGslECqVrfRNmyGYcH71W5Pm9kHr4zpZvNqm54akIhA4szNeYaDrlgH5IEJC2QfYx2WpNmmi63MwFJ8NkU1CRUzh+Q==';

function bareBase64(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

describe('rsa2SignContent', () => {
  it('builds the sorted content of the documented request (sign excluded, sign_type included)', () => {
    expect(rsa2SignContent(REQUEST)).toBe(REQUEST_CONTENT);
  });

  it('skips empty values such as an absent app_auth_token', () => {
    expect(rsa2SignContent({ ...REQUEST, app_auth_token: '', extra: null })).toBe(REQUEST_CONTENT);
    expect(rsa2SignContent({ b: '2', sign: 'x', a: '1', sign_type: 'RSA2' })).toBe('a=1&b=2&sign_type=RSA2');
  });
});

describe('rsa2Sign', () => {
  it('matches openssl on the documented request content', () => {
    expect(rsa2Sign(REQUEST_CONTENT, PRIVATE_KEY_PKCS8)).toBe(REQUEST_SIGN);
  });

  it('matches openssl on UTF-8 JSON response text', () => {
    expect(rsa2Sign(ERROR_TEXT, PRIVATE_KEY_PKCS8)).toBe(ERROR_SIGN);
    expect(rsa2Sign(SUCCESS_TEXT, PRIVATE_KEY_PKCS8)).toBe(SUCCESS_SIGN);
  });

  it('accepts the same key as PKCS#1 PEM, bare base64, and PEM with literal \\n', () => {
    expect(rsa2Sign(ERROR_TEXT, PRIVATE_KEY_PKCS1)).toBe(ERROR_SIGN);
    expect(rsa2Sign(ERROR_TEXT, bareBase64(PRIVATE_KEY_PKCS8))).toBe(ERROR_SIGN);
    expect(rsa2Sign(ERROR_TEXT, bareBase64(PRIVATE_KEY_PKCS1))).toBe(ERROR_SIGN);
    expect(rsa2Sign(ERROR_TEXT, PRIVATE_KEY_PKCS8.replace(/\n/g, '\\n'))).toBe(ERROR_SIGN);
  });

  it('refuses a public key or garbage', () => {
    expect(() => rsa2Sign('x', PUBLIC_KEY_SPKI)).toThrow();
    expect(() => rsa2Sign('x', 'not a key')).toThrow();
  });
});

describe('rsa2Verify', () => {
  it('accepts the openssl vectors', () => {
    expect(rsa2Verify(REQUEST_CONTENT, REQUEST_SIGN, PUBLIC_KEY_SPKI)).toBe(true);
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN, PUBLIC_KEY_SPKI)).toBe(true);
    expect(rsa2Verify(SUCCESS_TEXT, SUCCESS_SIGN, PUBLIC_KEY_SPKI)).toBe(true);
  });

  it('accepts the public key as bare base64 (Alipay style), PKCS#1 PEM, or a KeyObject', () => {
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN, bareBase64(PUBLIC_KEY_SPKI))).toBe(true);
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN, PUBLIC_KEY_PKCS1)).toBe(true);
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN, bareBase64(PUBLIC_KEY_PKCS1))).toBe(true);
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN, createPublicKey(PUBLIC_KEY_SPKI))).toBe(true);
  });

  it('tolerates line-wrapped base64 (some Java encoders wrap at 76)', () => {
    const wrapped = ERROR_SIGN.replace(/(.{76})/g, '$1\r\n');
    expect(wrapped).not.toBe(ERROR_SIGN);
    expect(rsa2Verify(ERROR_TEXT, wrapped, PUBLIC_KEY_SPKI)).toBe(true);
  });

  it('rejects a non-canonical spelling of a valid signature (same bytes, different text)', () => {
    // The last group "QA==" carries 4 unused bits; "QB==" decodes to the same bytes.
    expect(ERROR_SIGN.endsWith('QA==')).toBe(true);
    const respelled = ERROR_SIGN.slice(0, -3) + 'B==';
    expect(Buffer.from(respelled, 'base64').equals(Buffer.from(ERROR_SIGN, 'base64'))).toBe(true);
    expect(rsa2Verify(ERROR_TEXT, respelled, PUBLIC_KEY_SPKI)).toBe(false);
  });

  it('rejects tampered content', () => {
    expect(rsa2Verify(ERROR_TEXT.replace('姓名错误', '姓名正确'), ERROR_SIGN, PUBLIC_KEY_SPKI)).toBe(false);
    const tampered = rsa2SignContent({ ...REQUEST, timestamp: '2024-04-28 15:09:30' });
    expect(rsa2Verify(tampered, REQUEST_SIGN, PUBLIC_KEY_SPKI)).toBe(false);
  });

  it('rejects a signature made with another key, and the right signature against another key', () => {
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN_OTHER_KEY, PUBLIC_KEY_SPKI)).toBe(false);
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN, OTHER_PUBLIC_KEY)).toBe(false);
    expect(rsa2Verify(ERROR_TEXT, ERROR_SIGN_OTHER_KEY, OTHER_PUBLIC_KEY)).toBe(true);
  });

  it('rejects the signature of the document example, made with a key we do not hold', () => {
    expect(rsa2Verify(REQUEST_CONTENT, REQUEST.sign, PUBLIC_KEY_SPKI)).toBe(false);
  });

  it('returns false (never throws) on malformed input', () => {
    const cases: Array<[unknown, string]> = [
      ['', PUBLIC_KEY_SPKI],
      ['not base64 !!', PUBLIC_KEY_SPKI],
      [ERROR_SIGN.slice(0, -4), PUBLIC_KEY_SPKI], // truncated
      [ERROR_SIGN.replace(/=+$/, ''), PUBLIC_KEY_SPKI], // padding stripped: not canonical
      [ERROR_SIGN.replace(/\+/g, ' '), PUBLIC_KEY_SPKI], // '+' lost to form decoding
      ['AAAA', PUBLIC_KEY_SPKI], // wrong length
      [undefined, PUBLIC_KEY_SPKI],
      [[ERROR_SIGN], PUBLIC_KEY_SPKI],
      [ERROR_SIGN, 'not a key'],
      [ERROR_SIGN, ''],
      [ERROR_SIGN, EC_PUBLIC_KEY], // not RSA
      [ERROR_SIGN, PRIVATE_KEY_PKCS8], // a private key where the public one belongs
    ];
    for (const [sign, key] of cases) {
      expect(rsa2Verify(ERROR_TEXT, sign, key)).toBe(false);
    }
    expect(rsa2Verify(undefined as unknown as string, ERROR_SIGN, PUBLIC_KEY_SPKI)).toBe(false);
  });
});

describe('key normalization', () => {
  it('turns bare base64 and PKCS#1 public keys into the SPKI PEM', () => {
    expect(normalizePublicKeyPem(bareBase64(PUBLIC_KEY_SPKI))).toBe(PUBLIC_KEY_SPKI);
    expect(normalizePublicKeyPem(PUBLIC_KEY_PKCS1)).toBe(PUBLIC_KEY_SPKI);
    expect(normalizePublicKeyPem(`  ${PUBLIC_KEY_SPKI}  `)).toBe(PUBLIC_KEY_SPKI);
  });

  it('turns bare base64 and PKCS#1 private keys into the PKCS#8 PEM', () => {
    expect(normalizePrivateKeyPem(bareBase64(PRIVATE_KEY_PKCS8))).toBe(PRIVATE_KEY_PKCS8);
    expect(normalizePrivateKeyPem(PRIVATE_KEY_PKCS1)).toBe(PRIVATE_KEY_PKCS8);
    expect(normalizePrivateKeyPem(bareBase64(PRIVATE_KEY_PKCS1))).toBe(PRIVATE_KEY_PKCS8);
  });

  it('throws on garbage, non-RSA keys and private keys given as public', () => {
    expect(() => normalizePublicKeyPem('')).toThrow();
    expect(() => normalizePublicKeyPem('hello world')).toThrow();
    expect(() => normalizePublicKeyPem('AAAA')).toThrow();
    expect(() => normalizePublicKeyPem(EC_PUBLIC_KEY)).toThrow();
    expect(() => normalizePublicKeyPem(PRIVATE_KEY_PKCS8)).toThrow();
    expect(() => normalizePrivateKeyPem(PUBLIC_KEY_SPKI)).toThrow();
    expect(() => loadRsaPublicKey(OTHER_PRIVATE_KEY)).toThrow();
  });
});

describe('generateRsaKeyPair', () => {
  it('produces SPKI/PKCS#8 PEMs that sign and verify together', () => {
    const { publicKeyPem, privateKeyPem } = generateRsaKeyPair();
    expect(publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPublicKey(publicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const sign = rsa2Sign(ERROR_TEXT, privateKeyPem);
    expect(rsa2Verify(ERROR_TEXT, sign, publicKeyPem)).toBe(true);
    expect(rsa2Verify(ERROR_TEXT, sign, PUBLIC_KEY_SPKI)).toBe(false);
  });
});
