/**
 * How each dialect's callbacks are delivered: request shape, what counts as "received"
 * and when to try again. The registry is a typed object, so a profile name the compiler
 * does not know cannot be stored (see `oweCallback`). docs/protocols.md ("Callbacks")
 * states the same tables for integrators; change both together.
 */
export interface CallbackProfile {
  /** One line for operators (CLI, admin console). */
  description: string;
  method: 'POST';
  /** Default Content-Type of the frozen body; `oweCallback` may override it. */
  contentType: string;
  /** True when the receiver acknowledged the callback; anything else is a failed attempt. */
  isAcknowledged(httpStatus: number, body: string): boolean;
  /**
   * Delays (ms) between consecutive attempts, before `CALLBACK_RETRY_SCALE`. The first
   * attempt is immediate, so a profile makes `retryDelaysMs.length + 1` attempts at most.
   */
  retryDelaysMs: readonly number[];
}

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;

const form = 'application/x-www-form-urlencoded';
const json = 'application/json';

/** The payment-industry schedule (about a day): quick retries first, then ever rarer. */
const aboutADay = [15 * second, minute, 5 * minute, 15 * minute, hour, 2 * hour, 6 * hour, 15 * hour] as const;

/** Exactly the body `word` (surrounding whitespace tolerated: many frameworks append a newline). */
const bodyIs = (word: string) => (body: string) => body.trim() === word;

export const callbackProfiles = {
  doc004: {
    description: '004 pay-in and payout callbacks: form POST, acknowledged by HTTP 200 with body `success`',
    method: 'POST',
    contentType: form,
    isAcknowledged: (status, body) => status === 200 && bodyIs('success')(body),
    retryDelaysMs: aboutADay,
  },
  doc002: {
    description: '002 recharge results to the operator: form POST, acknowledged by body `ok`, 3 attempts then stop',
    method: 'POST',
    contentType: form,
    // The document only names the body; any 2xx carrying it is the operator saying "ok".
    isAcknowledged: (status, body) => status >= 200 && status < 300 && bodyIs('ok')(body),
    retryDelaysMs: [15 * second, minute],
  },
  doc000: {
    description: '000 monitor-matched order notifications: form POST, acknowledged by HTTP 200 with body `success`',
    method: 'POST',
    contentType: form,
    isAcknowledged: (status, body) => status === 200 && bodyIs('success')(body),
    retryDelaysMs: aboutADay,
  },
  doc001: {
    description: '001 SMS results and payment notifications: JSON POST, acknowledged by any HTTP 2xx',
    method: 'POST',
    contentType: json,
    // The document defines no acknowledgement body; a 2xx status is the REST convention.
    isAcknowledged: (status) => status >= 200 && status < 300,
    retryDelaysMs: aboutADay,
  },
  doc003: {
    description: '003 bill processing results: form POST, acknowledged by HTTP 200 with body `success`',
    method: 'POST',
    contentType: form,
    // RSA2 open-API gateways acknowledge asynchronous notifications with `success`.
    isAcknowledged: (status, body) => status === 200 && bodyIs('success')(body),
    retryDelaysMs: aboutADay,
  },
} as const satisfies Record<string, CallbackProfile>;

export type CallbackProfileName = keyof typeof callbackProfiles;

export const callbackProfileNames = Object.keys(callbackProfiles) as CallbackProfileName[];

/** Narrows a stored profile name (the column is a plain string) to a known profile. */
export function isCallbackProfileName(name: string): name is CallbackProfileName {
  return Object.hasOwn(callbackProfiles, name);
}

export function callbackProfile(name: CallbackProfileName): CallbackProfile {
  return callbackProfiles[name];
}

/** Attempts a profile makes before giving up. */
export function maxAttempts(profile: CallbackProfile): number {
  return profile.retryDelaysMs.length + 1;
}

/**
 * Delay (ms) after failed attempt `attemptNumber` (1-based) before the next one, scaled;
 * null when the schedule is exhausted and the delivery gives up.
 */
export function delayAfterAttempt(profile: CallbackProfile, attemptNumber: number, scale: number): number | null {
  const delay = profile.retryDelaysMs[attemptNumber - 1];
  return delay === undefined ? null : Math.round(delay * scale);
}
