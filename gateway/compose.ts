/**
 * `npm run compose`: composes the three subgraphs into `gateway/supergraph.graphql`, the
 * file the gateway serves from. `npm run compose -- --check` only reports whether the
 * checked-in file is stale (exit 1), as the composition test does.
 */
import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { composeServices } from '@apollo/composition';
import { SUPERGRAPH_PATH } from './gateway.js';
import { buildAllSubgraphs, placeholderUrl } from './subgraphs.js';

/** The supergraph SDL of the subgraphs as they are in this tree; throws with every composition error. */
export async function composeSupergraph(): Promise<string> {
  const subgraphs = await buildAllSubgraphs();
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, typeDefs: s.typeDefs, url: placeholderUrl(s.name) })));
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  return `${result.supergraphSdl.trimEnd()}\n`;
}

async function main(): Promise<number> {
  const composed = await composeSupergraph();
  const current = await readFile(SUPERGRAPH_PATH, 'utf8').catch(() => '');
  if (process.argv.includes('--check')) {
    if (current === composed) return 0;
    console.error('gateway/supergraph.graphql is stale: run `npm run compose`');
    return 1;
  }
  if (current !== composed) await writeFile(SUPERGRAPH_PATH, composed);
  console.log(current === composed ? 'supergraph unchanged' : `wrote ${SUPERGRAPH_PATH}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
