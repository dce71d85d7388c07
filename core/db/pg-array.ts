/** One element of a PostgreSQL array parameter: sent as text, cast by the statement (`?::int[]`). */
export type PgArrayElement = string | number | boolean | Date | null;

/** Only these two need a backslash inside a quoted element. */
const NEEDS_ESCAPE = /["\\]/;

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) of these values, to bind as ONE parameter
 * that the statement casts and unnests. A batch of rows then has one statement text whatever
 * its size, kept prepared by each connection, and binds a handful of parameters instead of
 * a list per row (bench/FINDINGS.md, section 4). Text and instants are quoted, so only `"`
 * and `\` need escaping; numbers, booleans and NULL go bare.
 */
export function pgArray(values: readonly PgArrayElement[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ',';
    const value = values[i];
    if (value === null || value === undefined) text += 'NULL';
    else if (typeof value === 'number' || typeof value === 'boolean') text += value;
    else if (value instanceof Date) text += `"${value.toISOString()}"`;
    else text += `"${NEEDS_ESCAPE.test(value) ? value.replace(/["\\]/g, '\\$&') : value}"`;
  }
  return `${text}}`;
}
