/**
 * Business errors core raises. Each face maps `code` to its own dialect (004's
 * `insufficient_balance`, 000's 409, GraphQL's `extensions.code`); none of them is a 500.
 */
export type CoreErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'duplicate'
  | 'conflict'
  | 'insufficient_balance'
  | 'unauthenticated'
  | 'forbidden'
  | 'unavailable';

export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

export function isCoreError(e: unknown, code?: CoreErrorCode): e is CoreError {
  return e instanceof CoreError && (code === undefined || e.code === code);
}

/** True for a unique-constraint violation on either database. */
export function isUniqueViolation(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const name = e.name ?? '';
  const code = (e as { code?: string }).code;
  return name === 'UniqueConstraintViolationException' || code === '23505' || /UNIQUE constraint failed/i.test(e.message);
}
