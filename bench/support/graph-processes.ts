import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SUPERGRAPH_PATH } from '../../gateway/gateway.js';
import { placeholderUrl } from '../../gateway/subgraphs.js';
import { subgraphNames, type SubgraphName } from '../../subgraphs/shared/build-subgraph.js';
import { freePort, sleep, startNodeProcess, waitUntilServing, type BenchProcess } from './processes.js';
import { RssSampler } from './rss-sampler.js';
import { BENCH_ADMIN_TOKEN, BENCH_SUBGRAPH_SECRET } from './stack.js';

export interface GraphProcess {
  process: BenchProcess;
  /** `http://127.0.0.1:<port>/graphql`. */
  url: string;
  rss: RssSampler;
}

async function startRole(env: NodeJS.ProcessEnv, role: string, extra: Record<string, string> = {}): Promise<GraphProcess> {
  const port = await freePort();
  // BENCH_GATEWAY_NODE_ARGS (e.g. `--cpu-prof`) profiles our gateway role like --profile does the all-in-one.
  const nodeArgs = role === 'gateway' ? (process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []) : [];
  const proc = startNodeProcess({ name: role, entry: 'app/main.ts', args: [role], nodeArgs, env: { ...env, ...extra, PORT: String(port) } });
  await waitUntilServing(proc, `http://127.0.0.1:${port}/healthz`, 90_000);
  const rss = new RssSampler(proc.pid);
  rss.start();
  return { process: proc, url: `http://127.0.0.1:${port}/graphql`, rss };
}

/** The three subgraph roles, each its own process on the bench database. */
export async function startSubgraphs(env: NodeJS.ProcessEnv): Promise<Record<SubgraphName, GraphProcess>> {
  const started = await Promise.all(subgraphNames.map(async (name) => [name, await startRole(env, `subgraph-${name}`)] as const));
  return Object.fromEntries(started) as Record<SubgraphName, GraphProcess>;
}

/** Our gateway as role `gateway`, federating the subgraph processes over HTTP. */
export function startOurGateway(env: NodeJS.ProcessEnv, subgraphs: Record<SubgraphName, GraphProcess>): Promise<GraphProcess> {
  return startRole(env, 'gateway', {
    SUBGRAPH_MERCHANTS_URL: subgraphs.merchants.url,
    SUBGRAPH_ORDERS_URL: subgraphs.orders.url,
    SUBGRAPH_CONFIGS_URL: subgraphs.configs.url,
  });
}

/**
 * Hive Gateway's CLI on the checked-in supergraph, its placeholder subgraph addresses
 * replaced by the running subgraph processes (the only change), one process, no fork.
 */
export async function startHiveGateway(env: NodeJS.ProcessEnv, subgraphs: Record<SubgraphName, GraphProcess>, tmpDir: string): Promise<GraphProcess> {
  let sdl = await readFile(SUPERGRAPH_PATH, 'utf8');
  for (const name of subgraphNames) sdl = sdl.replaceAll(placeholderUrl(name), subgraphs[name].url);
  const supergraph = join(tmpDir, 'supergraph.graphql');
  await writeFile(supergraph, sdl);
  const port = await freePort();
  const proc = startNodeProcess({
    name: 'hive-gateway',
    entry: 'node_modules/@graphql-hive/gateway/dist/bin.js',
    typescript: false,
    args: ['supergraph', supergraph, '--port', String(port), '--host', '127.0.0.1', '--fork', '1', '--config-path', join('bench', 'support', 'hive-gateway.config.ts')],
    env: { ...env, NODE_ENV: 'production', BENCH_SUBGRAPH_SECRET, BENCH_ADMIN_TOKEN },
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitForGraphql(proc, url, 90_000);
  const rss = new RssSampler(proc.pid);
  rss.start();
  return { process: proc, url, rss };
}

/** Hive has no `/healthz`: wait until it answers a trivial operation. */
async function waitForGraphql(proc: BenchProcess, url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${proc.name} exited while starting:\n${proc.output().slice(-3000)}`);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: '{ __typename }' }),
      signal: AbortSignal.timeout(1000),
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${proc.name} did not answer ${url} within ${ms} ms:\n${proc.output().slice(-3000)}`);
}
