import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBase } from '../../test/support/core.js';
import { pgArray } from './pg-array.js';

// PostgreSQL parses the literal, so it is the judge: every value comes back as it went in.
let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client(postgresBase);
  await client.connect();
});
afterAll(() => client.end());

async function roundTrip(cast: string, literal: string): Promise<unknown[]> {
  const { rows } = await client.query<{ v: unknown }>(`select v::text from unnest($1::${cast}) with ordinality as u(v, n) order by n`, [literal]);
  return rows.map((r) => r.v);
}

describe('pgArray (PostgreSQL parses it)', () => {
  it('keeps text that looks like array syntax, quoting or NULL, as text', async () => {
    const texts = ['plain', '', 'NULL', 'null', 'a,b', '{x}', 'say "hi"', 'back\\slash', '\\"', ' padded ', '二维码 支付', "it's", 'line\nbreak'];
    expect(await roundTrip('text[]', pgArray(texts))).toEqual(texts);
  });

  it('sends null as SQL NULL, and numbers, booleans and instants in their text forms', async () => {
    expect(await roundTrip('text[]', pgArray(['a', null, 'b']))).toEqual(['a', null, 'b']);
    expect(await roundTrip('int[]', pgArray([1, -2, null, 2147483647]))).toEqual(['1', '-2', null, '2147483647']);
    expect(await roundTrip('boolean[]', pgArray([true, false, null]))).toEqual(['true', 'false', null]);
    const at = new Date('2026-11-22T08:09:10.123Z');
    const { rows } = await client.query<{ same: boolean }>('select ($1::timestamptz[])[1] = $2::timestamptz as same', [pgArray([at]), at.toISOString()]);
    expect(rows[0]!.same).toBe(true);
  });

  it('is an empty array for no values', async () => {
    expect(pgArray([])).toBe('{}');
    expect(await roundTrip('text[]', pgArray([]))).toEqual([]);
  });
});
