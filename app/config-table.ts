/**
 * Renders the README's configuration table from core/config.ts, so the table cannot
 * drift from what is validated. `npm run docs:config` rewrites it in place; a test
 * fails when the README is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configDescriptions, configSchema } from '../core/config.js';

export const BEGIN = '<!-- config-table:begin -->';
export const END = '<!-- config-table:end -->';

export function renderConfigTable(): string {
  const rows = Object.entries(configSchema.shape).map(([key, schema]) => {
    const def = (schema as { _def: { defaultValue?: () => unknown } })._def.defaultValue;
    const shown = def ? `\`${String(def())}\`` : '—';
    return `| \`${key}\` | ${shown} | ${configDescriptions[key as keyof typeof configDescriptions]} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

export function withConfigTable(readme: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error('README has no config-table markers');
  return `${readme.slice(0, start + BEGIN.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const readme = readFileSync('README.md', 'utf8');
  writeFileSync('README.md', withConfigTable(readme));
}
