/** One element of a PostgreSQL array parameter: sent as text, cast by the statement (`?::int[]`). */
export type PgArrayElement = string | number | boolean | Date | null;

/**
 * A PostgreSQL array literal (`{"a","b",NULL}`) of these values, to bind as ONE parameter
 * that the statement casts and unnests. A batch of rows then has a statement text of its
 * own whatever its size: it is parsed and planned once and kept prepared, and binds a
 * handful of parameters instead of a list per row (bench/FINDINGS.md, section 4). Every
 * element is quoted, so only `"` and `\` need escaping; NULL is the only unquoted word.
 */
export function pgArray(values: readonly PgArrayElement[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ',';
    const value = values[i];
    if (value === null || value === undefined) text += 'NULL';
    else text += `"${(value instanceof Date ? value.toISOString() : String(value)).replace(/["\\]/g, '\\$&')}"`;
  }
  return `${text}}`;
}
