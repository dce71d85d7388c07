import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { BREAK, visit, type DocumentNode } from 'graphql';
import { ErrorCode, requestError } from '../subgraphs/shared/errors.js';

/**
 * Refuses an operation carrying a NUL character in a variable (value or key, at any depth)
 * or in a string literal, as BAD_USER_INPUT before any subgraph is asked. PostgreSQL takes
 * no NUL, not even as a parameter to compare with, so `payInOrder(id: "x\u0000")` failed
 * inside a subgraph as an internal error; refusing it here covers every field at once.
 */
export function refuseNulCharacters<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const where = variableWithNul(request.variables ?? {}) ?? (literalWithNul(document) ? 'a string literal' : null);
          if (where) throw requestError(ErrorCode.BadUserInput, `${where} must not contain the NUL character`, 400);
        },
      };
    },
  };
}

/** The first variable (`$name`, `$input.field`) holding a NUL, if any. */
function variableWithNul(variables: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(variables)) {
    const found = nulPath(value, `$${name}`);
    if (found) return found;
  }
  return null;
}

function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return `a key of ${path}`;
      const found = nulPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function literalWithNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (!node.value.includes('\u0000')) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}
