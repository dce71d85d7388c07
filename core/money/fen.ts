/**
 * Money inside paymesh is an integer count of fen (1/100 CNY) held in a JS `number`
 * that is always a safe integer. Adapters convert at their edge with the parsers below;
 * a value that cannot be converted exactly is refused, never rounded.
 *
 * Every parser works on decimal digits (via BigInt), never on float arithmetic, so
 * "0.29" is 29 fen and not 28.999999999999996.
 */

/** Integer count of fen (1 fen = 0.01 CNY); always a non-negative safe integer when produced by this module. */
export type Fen = number;

export class MoneyFormatError extends Error {
  readonly code = 'invalid_amount' as const;

  constructor(message: string) {
    super(message);
    this.name = 'MoneyFormatError';
  }
}

// Longer inputs can only be out of range; refusing them early keeps BigInt work bounded.
const MAX_INPUT_LENGTH = 32;
const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);

// Plain ASCII digits only: no sign, exponent, whitespace, separators or full-width digits.
// Leading zeros ("01.00") are harmless and accepted.
const YUAN_DECIMAL = /^([0-9]+)(?:\.([0-9]{1,2}))?$/;
const DIGITS = /^[0-9]+$/;

function show(input: unknown): string {
  const text = typeof input === 'string' ? JSON.stringify(input) : String(input);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Numbers are read through their shortest round-trip string (String(100.1) === "100.1"),
 * so a float that is not exactly a short decimal (0.1 + 0.2) shows its extra digits and is refused.
 */
function toText(input: unknown, what: string): string {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new MoneyFormatError(`${what}: not a finite number: ${show(input)}`);
    return String(input);
  }
  if (typeof input === 'string') {
    if (input.length > MAX_INPUT_LENGTH) throw new MoneyFormatError(`${what}: too long: ${show(input)}`);
    return input;
  }
  throw new MoneyFormatError(`${what}: expected a string or number, got ${typeof input}`);
}

function toSafeFen(fen: bigint, input: unknown, what: string): Fen {
  if (fen > MAX_FEN) throw new MoneyFormatError(`${what}: out of range: ${show(input)}`);
  return Number(fen);
}

/**
 * Yuan decimal with at most 2 decimals ("12.5" → 1250, "0.01" → 1, 100 → 10000).
 * Zero is accepted; callers decide whether 0 is a valid amount.
 */
export function parseYuanToFen(input: string | number): Fen {
  const what = 'yuan amount';
  const text = toText(input, what);
  const match = YUAN_DECIMAL.exec(text);
  if (!match) throw new MoneyFormatError(`${what}: not a decimal with at most 2 decimals: ${show(input)}`);
  const whole = match[1] ?? '0';
  const cents = (match[2] ?? '').padEnd(2, '0');
  return toSafeFen(BigInt(whole) * 100n + BigInt(cents), input, what);
}

/**
 * Whole yuan only (004 payouts: "must be an integer, unit yuan"): "100" or 100 → 10000.
 * "100.00" is refused: the document asks for an integer, and accepting one spelling only
 * keeps the signed string and the stored amount unambiguous. Zero is accepted; callers decide.
 */
export function parseWholeYuanToFen(input: string | number): Fen {
  const what = 'whole yuan amount';
  const text = toText(input, what);
  if (!DIGITS.test(text)) throw new MoneyFormatError(`${what}: not a whole number of yuan: ${show(input)}`);
  return toSafeFen(BigInt(text) * 100n, input, what);
}

/**
 * Fen sent as an integer (000 `amount`, 002 `face_value`, 003 `order_amount`): "100" or 100 → 100.
 * Zero is accepted; callers decide.
 */
export function parseFenInteger(input: string | number): Fen {
  const what = 'fen amount';
  const text = toText(input, what);
  if (!DIGITS.test(text)) throw new MoneyFormatError(`${what}: not a whole number of fen: ${show(input)}`);
  return toSafeFen(BigInt(text), input, what);
}

function assertFen(fen: Fen): void {
  // Negative amounts never go out on the wire and cannot be parsed back, so they are refused here too.
  if (!Number.isSafeInteger(fen) || fen < 0) {
    throw new MoneyFormatError(`fen value must be a non-negative safe integer: ${show(fen)}`);
  }
}

/** 1250 → "12.50", 1 → "0.01", 10000 → "100.00". Built from digits, so it is exact up to MAX_SAFE_INTEGER. */
export function formatFenAsYuan(fen: Fen): string {
  assertFen(fen);
  const digits = String(fen + 0).padStart(3, '0'); // `+ 0` turns -0 into 0
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** 10000 → "100"; throws when the amount is not a whole number of yuan (it would have to be rounded). */
export function formatFenAsWholeYuan(fen: Fen): string {
  assertFen(fen);
  if (fen % 100 !== 0) throw new MoneyFormatError(`not a whole number of yuan: ${fen} fen`);
  return String(fen / 100 + 0);
}
