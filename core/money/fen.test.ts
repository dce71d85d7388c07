import { describe, it, expect } from 'vitest';
import {
  MoneyFormatError,
  formatFenAsWholeYuan,
  formatFenAsYuan,
  parseFenInteger,
  parseWholeYuanToFen,
  parseYuanToFen,
} from './fen.js';

function refusal(fn: () => unknown): MoneyFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MoneyFormatError);
    return error as MoneyFormatError;
  }
  throw new Error('expected a MoneyFormatError, nothing was thrown');
}

describe('MoneyFormatError', () => {
  it('is an Error with code invalid_amount', () => {
    const error = refusal(() => parseYuanToFen('abc'));
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('invalid_amount');
    expect(error.name).toBe('MoneyFormatError');
    expect(error.message).toContain('"abc"');
  });
});

describe('parseYuanToFen', () => {
  it.each([
    ['12.5', 1250],
    ['12.50', 1250],
    ['0.01', 1],
    ['0.1', 10],
    ['0.29', 29], // 0.29 * 100 === 28.999999999999996 in floats
    ['1.15', 115], // 1.15 * 100 === 114.99999999999999 in floats
    ['100', 10000],
    ['100.00', 10000],
    ['01.00', 100],
    ['0', 0],
    ['0.00', 0],
    ['90071992547409.91', Number.MAX_SAFE_INTEGER],
  ])('string %j → %d fen', (input, fen) => {
    expect(parseYuanToFen(input)).toBe(fen);
  });

  it.each([
    [100, 10000],
    [100.1, 10010],
    [12.5, 1250],
    [0.01, 1],
    [0.29, 29],
    [1.15, 115],
    [0, 0],
  ])('number %d → %d fen', (input, fen) => {
    expect(parseYuanToFen(input)).toBe(fen);
  });

  it('reads -0 as plain 0', () => {
    expect(Object.is(parseYuanToFen(-0), 0)).toBe(true);
  });

  it.each([
    '1.005',
    '1e2',
    '',
    '-1',
    '+1',
    ' 1',
    '1 ',
    '12.',
    '.5',
    '1,000',
    '1_000',
    '0x10',
    'abc',
    'NaN',
    'Infinity',
    '１００', // full-width digits
    '1.2.3',
    '\u00a01',
    '90071992547409.92', // one fen above MAX_SAFE_INTEGER
    '99999999999999999999',
    '0'.repeat(40) + '1', // longer than any real amount
  ])('refuses string %j', (input) => {
    refusal(() => parseYuanToFen(input));
  });

  it.each([0.1 + 0.2, 1.005, 1e-7, 1e20, 1e21, -1, -0.01, NaN, Infinity, -Infinity])(
    'refuses number %d',
    (input) => {
      refusal(() => parseYuanToFen(input));
    },
  );

  it('refuses values of other types that slip past the type checker', () => {
    for (const input of [null, undefined, true, {}, [], 10n]) {
      refusal(() => parseYuanToFen(input as unknown as string));
    }
  });
});

describe('parseWholeYuanToFen', () => {
  it.each([
    ['100', 10000],
    ['1', 100],
    ['0', 0],
    ['007', 700],
    ['90071992547409', 9007199254740900],
  ])('string %j → %d fen', (input, fen) => {
    expect(parseWholeYuanToFen(input)).toBe(fen);
  });

  it.each([
    [100, 10000],
    [100.0, 10000],
    [1, 100],
    [0, 0],
  ])('number %d → %d fen', (input, fen) => {
    expect(parseWholeYuanToFen(input)).toBe(fen);
  });

  it.each(['100.00', '100.0', '1.5', '1.', '', '-1', ' 100', '1e2', 'abc', '90071992547410'])(
    'refuses string %j',
    (input) => {
      refusal(() => parseWholeYuanToFen(input));
    },
  );

  it.each([1.5, 0.01, -1, 1e21, NaN, Infinity])('refuses number %d', (input) => {
    refusal(() => parseWholeYuanToFen(input));
  });
});

describe('parseFenInteger', () => {
  it.each([
    ['100', 100],
    ['1', 1],
    ['0', 0],
    ['0100', 100],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('string %j → %d fen', (input, fen) => {
    expect(parseFenInteger(input)).toBe(fen);
  });

  it.each([
    [100, 100],
    [0, 0],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ])('number %d → %d fen', (input, fen) => {
    expect(parseFenInteger(input)).toBe(fen);
  });

  it.each(['1.5', '1.0', 'abc', '', '-1', '+1', ' 1', '1e2', '9007199254740992', '99999999999999999999'])(
    'refuses string %j',
    (input) => {
      refusal(() => parseFenInteger(input));
    },
  );

  it.each([1.5, -1, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, NaN, Infinity])('refuses number %d', (input) => {
    refusal(() => parseFenInteger(input));
  });
});

describe('formatFenAsYuan', () => {
  it.each([
    [1250, '12.50'],
    [1, '0.01'],
    [10, '0.10'],
    [99, '0.99'],
    [100, '1.00'],
    [10000, '100.00'],
    [10010, '100.10'],
    [0, '0.00'],
    [-0, '0.00'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('%d fen → %j', (fen, text) => {
    expect(formatFenAsYuan(fen)).toBe(text);
  });

  it.each([1.5, -1, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1])('refuses %d', (fen) => {
    refusal(() => formatFenAsYuan(fen));
  });

  it('round-trips with parseYuanToFen', () => {
    for (const fen of [0, 1, 9, 10, 99, 100, 101, 123456789, Number.MAX_SAFE_INTEGER]) {
      expect(parseYuanToFen(formatFenAsYuan(fen))).toBe(fen);
    }
  });
});

describe('formatFenAsWholeYuan', () => {
  it.each([
    [10000, '100'],
    [100, '1'],
    [0, '0'],
    [-0, '0'],
    [9007199254740900, '90071992547409'],
  ])('%d fen → %j', (fen, text) => {
    expect(formatFenAsWholeYuan(fen)).toBe(text);
  });

  it.each([1, 150, 10001, -100, 1.5, NaN])('refuses %d', (fen) => {
    refusal(() => formatFenAsWholeYuan(fen));
  });

  it('round-trips with parseWholeYuanToFen', () => {
    for (const fen of [0, 100, 10000, 9007199254740900]) {
      expect(parseWholeYuanToFen(formatFenAsWholeYuan(fen))).toBe(fen);
    }
  });
});
