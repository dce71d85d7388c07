import { z } from 'zod';
import { MRN_MAX_LENGTH, URL_MAX_LENGTH } from '../../../core/services/order-input.js';
import { Doc004Refusal } from './errors.js';

/**
 * Request schemas of document 004. A value may arrive as a JSON string or number (clients
 * differ); it is kept as the text the client put on the wire (String() of a JSON number),
 * because that text is what was signed. Repeated keys (arrays), objects, booleans and empty
 * values are invalid data. Business rules (amount format, URL scheme) are checked after the
 * signature, by the routes and by core.
 */
const wire = (field: string, max: number) =>
  z
    .union([z.string(), z.number().finite()], {
      errorMap: (issue, ctx) => ({
        message: issue.code === 'invalid_union' && ctx.data === undefined ? `${field} is required` : `${field} must be a string or a number`,
      }),
    })
    .transform((v) => String(v))
    .refine((v) => v.length > 0, `${field} is required`)
    .refine((v) => v.length <= max, `${field} must be at most ${max} characters`)
    // PostgreSQL takes no NUL, not even as a parameter to compare with: refused, not a 500.
    .refine((v) => !v.includes('\u0000'), `${field} must not contain the NUL character`);

const optionalWire = (field: string, max: number) => wire(field, max).optional();

const sign = wire('sign', 64);
const appKey = wire('appKey', 128);
const mrn = wire('mrn', MRN_MAX_LENGTH);

/** `POST /api/Pay` and `POST /api/Pay/Create`; `payer` is optional and not signed. */
export const payInRequestSchema = z.object({
  amount: wire('amount', 32),
  appKey,
  callbackUrl: wire('callbackUrl', URL_MAX_LENGTH),
  channelId: wire('channelId', 10),
  mrn,
  returnUrl: wire('returnUrl', URL_MAX_LENGTH),
  sign,
  payer: optionalWire('payer', 128),
});

/** `POST /api/Payouts/Create`. */
export const payoutRequestSchema = z.object({
  accountName: wire('accountName', 128),
  accountNumber: wire('accountNumber', 64),
  amount: wire('amount', 32),
  appKey,
  bankName: wire('bankName', 128),
  callbackUrl: wire('callbackUrl', URL_MAX_LENGTH),
  mrn,
  sign,
});

/** `GET /api/Payments/Query` and `GET /api/Payouts/Query`; `callback` is not signed. */
export const queryRequestSchema = z.object({
  appKey,
  mrn,
  sign,
  callback: z
    .string({ invalid_type_error: 'callback must be true or false' })
    .regex(/^(true|false)$/i, 'callback must be true or false')
    .transform((v) => v.toLowerCase() === 'true')
    .optional(),
});

export type PayInRequestFields = z.infer<typeof payInRequestSchema>;
export type PayoutRequestFields = z.infer<typeof payoutRequestSchema>;
export type QueryRequestFields = z.infer<typeof queryRequestSchema>;

/** Parses a body or query with `schema`; the first problem becomes an `invalid_data` refusal. */
export function parseRequest<T extends z.ZodTypeAny>(schema: T, raw: unknown): z.infer<T> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Doc004Refusal('invalid_data', 'the request must be an object of parameters');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Doc004Refusal('invalid_data', parsed.error.issues[0]?.message ?? 'invalid request');
  return parsed.data;
}
