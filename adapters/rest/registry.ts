import type { RestAdapter } from './adapter.js';
import { doc000Adapter } from './doc000/index.js';
import { doc004Adapter } from './doc004/index.js';

/** Every REST dialect paymesh speaks. Adding one is one line here plus its folder. */
export const restAdapters: RestAdapter[] = [doc000Adapter, doc004Adapter];

/** Adapters enabled by REST_ADAPTERS (`all` or a comma-separated list of names). */
export function enabledAdapters(setting: string): RestAdapter[] {
  if (setting.trim() === 'all') return restAdapters;
  const wanted = new Set(setting.split(',').map((s) => s.trim()).filter(Boolean));
  const unknown = [...wanted].filter((n) => !restAdapters.some((a) => a.name === n));
  if (unknown.length) throw new Error(`REST_ADAPTERS names unknown adapters: ${unknown.join(', ')}`);
  return restAdapters.filter((a) => wanted.has(a.name));
}
