import type { EntityManager } from '@mikro-orm/knex';
import type { Core } from '../../core/core.js';
import { BatchLoader } from './batch-loader.js';
import type { Identity } from './identity.js';

/**
 * What every subgraph resolver gets: the core, an EntityManager forked for this one
 * request (so identity maps never leak between callers), and who is calling (`null`
 * only for the gateway's own health probes, which may ask nothing but `__typename`).
 */
export interface SubgraphContext {
  core: Core;
  em: EntityManager;
  identity: Identity | null;
  /** A per-request batch loader, created on first use under `name`. */
  loader<K, V>(name: string, loadMany: (keys: K[]) => Promise<Map<K, V>>): BatchLoader<K, V>;
  /** Where unexpected resolver errors are reported (their details never reach the caller). */
  logError(err: unknown): void;
}

export function createSubgraphContext(core: Core, identity: Identity | null, logError: (err: unknown) => void): SubgraphContext {
  const loaders = new Map<string, BatchLoader<unknown, unknown>>();
  return {
    core,
    em: core.em(),
    identity,
    logError,
    loader<K, V>(name: string, loadMany: (keys: K[]) => Promise<Map<K, V>>): BatchLoader<K, V> {
      let loader = loaders.get(name);
      if (!loader) {
        loader = new BatchLoader(loadMany as (keys: unknown[]) => Promise<Map<unknown, unknown>>);
        loaders.set(name, loader);
      }
      return loader as BatchLoader<K, V>;
    },
  };
}
