import { CoreError } from './errors.js';

/**
 * Input rules shared by pay-ins and payouts. Core re-checks what adapters already checked:
 * a face that forgets a rule must still not be able to store a bad order.
 */
export const MRN_MAX_LENGTH = 64;
export const URL_MAX_LENGTH = 2048;

/** C0 controls and DEL: never part of a reference or a name, and they break logs and signed strings. */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function checkMrn(mrn: string): void {
  if (mrn.length === 0 || mrn.length > MRN_MAX_LENGTH || hasControlCharacters(mrn)) {
    throw new CoreError('invalid_input', `mrn must be 1–${MRN_MAX_LENGTH} printable characters`, { field: 'mrn' });
  }
}

/**
 * Only absolute http(s) URLs: a `javascript:` return URL would run in the cashier page, and a
 * callback can only be delivered over HTTP. Where it may point is the callback worker's
 * business (its SSRF guard runs at delivery time, when DNS is resolved).
 */
export function checkHttpUrl(value: string, field: string): void {
  let url: URL | null = null;
  try {
    url = value.length <= URL_MAX_LENGTH ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new CoreError('invalid_input', `${field} must be an absolute http(s) URL of at most ${URL_MAX_LENGTH} characters`, { field });
  }
}

export function checkText(value: string, field: string, maxLength: number, required = true): void {
  if ((required && value.trim().length === 0) || value.length > maxLength || hasControlCharacters(value)) {
    throw new CoreError('invalid_input', `${field} must be ${required ? '1' : '0'}–${maxLength} printable characters`, { field });
  }
}

/** Row ids are 32-bit integers: PostgreSQL refuses a larger number even to compare with one. */
export const MAX_ROW_ID = 2_147_483_647;

/** An id a row of ours could have (a larger one would fail the statement, not find nothing). */
export function checkRowId(id: number, field: string): void {
  if (!Number.isSafeInteger(id) || id < 0 || id > MAX_ROW_ID) {
    throw new CoreError('invalid_input', `${field} must be an id (at most ${MAX_ROW_ID})`, { field });
  }
}

/** A positive amount of fen that fits the ledger. */
export function checkPositiveFen(amount: number, field: string): void {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new CoreError('invalid_input', `${field} must be a positive whole number of fen`, { field });
  }
}
