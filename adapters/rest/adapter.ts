import type { FastifyPluginAsync } from 'fastify';
import type { Core } from '../../core/core.js';

/**
 * A REST compatibility adapter: one of the five documents, served as an encapsulated
 * Fastify plugin that owns its routes, its schemas and its error envelope (its own
 * error and not-found handlers), so no route of it can answer Fastify's default body.
 */
export interface RestAdapter {
  /** Config name (REST_ADAPTERS), e.g. `doc004`. */
  name: string;
  description: string;
  plugin: FastifyPluginAsync<RestAdapterOptions>;
}

export interface RestAdapterOptions {
  core: Core;
}
