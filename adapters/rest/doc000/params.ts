import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_ROW_ID } from '../../../core/services/order-input.js';
import { badParams } from './envelope.js';

/** Request parameters exactly as received (strings from forms and queries; strings, numbers, booleans from JSON). */
export type RawParams = Record<string, string | number | boolean>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every request parameter: the query, and for POST the body (JSON or form) on top of it.
 * Values stay as received because the signature covers them as received. Nested values
 * (a repeated query key, a JSON object) cannot be signed by the document's rule and are
 * refused; a JSON `null` counts as absent, like an empty value. A NUL character, in a name
 * or a value, is refused too: PostgreSQL can store it neither in text nor in JSON.
 */
export function requestParams(req: FastifyRequest): RawParams {
  const params: RawParams = {};
  const sources = [req.query, req.method === 'POST' ? req.body : undefined];
  for (const source of sources) {
    if (source === undefined || source === null || source === '') continue;
    if (!isPlainObject(source)) throw badParams('the body must be a JSON object or a form');
    for (const [key, value] of Object.entries(source)) {
      // PostgreSQL stores no NUL, in text or in JSON: refused here rather than failing the write.
      if (key.includes('\u0000')) throw badParams('a parameter name must not contain the NUL character');
      if (value === null || value === undefined) continue;
      if (typeof value === 'string' && value.includes('\u0000')) throw badParams(`${key} must not contain the NUL character`);
      if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
        params[key] = value;
        continue;
      }
      throw badParams(`${key} must be a single value`);
    }
  }
  return params;
}

/**
 * A scalar as the text it was sent as (`100` → "100"). A conversion, not a union: zod's
 * union tried `z.string()` first and built a failed issue for every number it was sent,
 * on every signed request (requestParams lets nothing but scalars through).
 */
const scalar = z.preprocess((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v), z.string());

export const requiredText = (max: number) => scalar.pipe(z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`));

/** Optional text: absent and empty are the same (the sign rule skips empty values too). */
export const optionalText = (max: number) =>
  scalar
    .pipe(z.string().trim().max(max, `must be at most ${max} characters`))
    .transform((v) => (v === '' ? null : v))
    .optional()
    .transform((v) => v ?? null);

const digits = (what: string) => scalar.pipe(z.string().trim().regex(/^\d{1,15}$/, `must be ${what}`));

export const requiredInteger = digits('a non-negative integer').transform(Number);

export const optionalInteger = scalar
  .pipe(z.string().trim().regex(/^(\d{1,15})?$/, 'must be a non-negative integer'))
  .transform((v) => (v === '' ? null : Number(v)))
  .optional()
  .transform((v) => v ?? null);

/** An optional id of one of paymesh's rows (`channel_account_id`, `channel_id`); a larger number was a 500 on PostgreSQL. */
export const optionalRowId = optionalInteger.refine((v) => v === null || v <= MAX_ROW_ID, `must be an id (at most ${MAX_ROW_ID})`);

/** `amount`: integer fen (the document's `int`), positive; `100.5` and `"1e3"` are refused, never rounded. */
export const fenAmount = digits('a positive integer number of fen').transform(Number).refine((n) => n > 0, 'must be a positive integer number of fen');

/**
 * `timestamp`: Unix seconds (the document's `1710000000`) or milliseconds (13 digits, what
 * SmsForwarder sends); the window check happens in core.
 */
export const timestamp = scalar
  .pipe(z.string().trim().regex(/^\d{9,13}$/, 'must be a Unix timestamp in seconds or milliseconds'))
  .transform((v) => new Date(v.length >= 12 ? Number(v) : Number(v) * 1000));

export const sign = requiredText(128);

/** Validates `params` against a route's schema; the first problem becomes a 400 envelope. */
export function readParams<T extends z.ZodTypeAny>(schema: T, params: RawParams): z.output<T> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data as z.output<T>;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'request';
  // An absent field fails as a missing string (zod's "Required"); say it in the envelope's words.
  const absent = typeof issue.path[0] === 'string' && params[issue.path[0]] === undefined;
  throw badParams(`${field} ${absent ? 'is required' : issue.message}`);
}

/** Every received field except the signature, for the record kept with a report. */
export function unsignedFields(params: RawParams): Record<string, string | number | boolean> {
  const { sign: _sign, sign_type: _signType, ...rest } = params;
  return rest;
}
