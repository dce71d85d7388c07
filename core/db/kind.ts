import type { EntityManager } from '@mikro-orm/knex';
import { PostgreSqlPlatform } from '@mikro-orm/postgresql';

export type DatabaseKind = 'postgresql' | 'sqlite';

export function databaseKindOf(url: string): DatabaseKind {
  return url.startsWith('postgres') ? 'postgresql' : 'sqlite';
}

/** Which database an EntityManager talks to, for the few statements whose SQL differs (row locks). */
export function databaseKindOfEm(em: EntityManager): DatabaseKind {
  return em.getPlatform() instanceof PostgreSqlPlatform ? 'postgresql' : 'sqlite';
}
