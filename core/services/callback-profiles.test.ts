import { describe, expect, it } from 'vitest';
import { callbackProfile, callbackProfileNames, delayAfterAttempt, isCallbackProfileName, maxAttempts } from './callback-profiles.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;

describe('callback profiles', () => {
  it('004 counts only HTTP 200 with the body `success`', () => {
    const p = callbackProfile('doc004');
    expect(p.isAcknowledged(200, 'success')).toBe(true);
    expect(p.isAcknowledged(200, 'success\n')).toBe(true);
    expect(p.isAcknowledged(200, ' success \r\n')).toBe(true);
    expect(p.isAcknowledged(200, 'ok')).toBe(false);
    expect(p.isAcknowledged(200, 'SUCCESS')).toBe(false);
    expect(p.isAcknowledged(200, 'success!')).toBe(false);
    expect(p.isAcknowledged(200, '{"success":true}')).toBe(false);
    expect(p.isAcknowledged(200, '')).toBe(false);
    expect(p.isAcknowledged(201, 'success')).toBe(false);
    expect(p.isAcknowledged(500, 'success')).toBe(false);
    expect(p.method).toBe('POST');
    expect(p.contentType).toBe('application/x-www-form-urlencoded');
  });

  it('004 retries on the about-a-day schedule, 9 attempts', () => {
    const p = callbackProfile('doc004');
    expect(p.retryDelaysMs).toEqual([15 * s, m, 5 * m, 15 * m, h, 2 * h, 6 * h, 15 * h]);
    expect(maxAttempts(p)).toBe(9);
    const total = p.retryDelaysMs.reduce((a, b) => a + b, 0);
    expect(total).toBe(24 * h + 21 * m + 15 * s);
  });

  it('002 counts only the body `ok` and stops after 3 attempts', () => {
    const p = callbackProfile('doc002');
    expect(p.isAcknowledged(200, 'ok')).toBe(true);
    expect(p.isAcknowledged(204, 'ok')).toBe(true);
    expect(p.isAcknowledged(200, 'ok\n')).toBe(true);
    expect(p.isAcknowledged(200, 'success')).toBe(false);
    expect(p.isAcknowledged(200, 'OK')).toBe(false);
    expect(p.isAcknowledged(500, 'ok')).toBe(false);
    expect(p.isAcknowledged(302, 'ok')).toBe(false);
    expect(maxAttempts(p)).toBe(3);
    expect(delayAfterAttempt(p, 1, 1)).toBe(15 * s);
    expect(delayAfterAttempt(p, 2, 1)).toBe(m);
    expect(delayAfterAttempt(p, 3, 1)).toBeNull();
  });

  it('001 accepts any 2xx and sends JSON', () => {
    const p = callbackProfile('doc001');
    expect(p.isAcknowledged(200, '')).toBe(true);
    expect(p.isAcknowledged(204, '')).toBe(true);
    expect(p.isAcknowledged(301, '')).toBe(false);
    expect(p.isAcknowledged(500, 'ok')).toBe(false);
    expect(p.contentType).toBe('application/json');
  });

  it('scales delays and never gives a delay past the schedule', () => {
    const p = callbackProfile('doc004');
    expect(delayAfterAttempt(p, 1, 0.001)).toBe(15);
    expect(delayAfterAttempt(p, 8, 0.001)).toBe(54_000);
    expect(delayAfterAttempt(p, 1, 0)).toBe(0);
    expect(delayAfterAttempt(p, 1, 2)).toBe(30 * s);
    expect(delayAfterAttempt(p, 9, 1)).toBeNull();
  });

  it('narrows stored names to known profiles only', () => {
    expect(callbackProfileNames).toEqual(['doc004', 'doc002', 'doc000', 'doc001', 'doc003']);
    for (const name of callbackProfileNames) expect(isCallbackProfileName(name)).toBe(true);
    for (const name of ['doc005', '', 'toString', '__proto__', 'DOC004']) expect(isCallbackProfileName(name)).toBe(false);
  });
});
