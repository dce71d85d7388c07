import { IDENTITY_HEADER, SUBGRAPH_SECRET_HEADER } from '../../subgraphs/shared/identity.js';
import { runClosedLoop, type ClosedLoopResult } from '../support/closed-loop.js';
import { startHiveGateway, startOurGateway, startSubgraphs, type GraphProcess } from '../support/graph-processes.js';
import { DASHBOARD_PAID_ORDERS } from '../support/dashboard-fixture.js';
import { fmt, figure, judged, type Figure, type SectionReport } from '../support/report.js';
import { BENCH_ADMIN_TOKEN, BENCH_SUBGRAPH_SECRET, type BenchStack } from '../support/stack.js';

const CONNECTIONS = 16;

/** The merchant dashboard's first screen: merchants (name, balance) → orders (paid pay-ins, last callback) → configs (channel names). */
export const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard($id: ID!) {
    merchant(id: $id) {
      name
      balance
      orders(first: 20, status: PAID) {
        edges { node { id amount channel { name } lastDelivery { attempts { status } } } }
      }
    }
  }
`;

/** The orders subgraph's share of that screen, asked of the orders subgraph directly (no gateway). */
export const DIRECT_ORDERS_QUERY = /* GraphQL */ `
  query DirectOrders($id: ID!) {
    payInOrders(merchantId: $id, first: 20, status: PAID) {
      edges { node { id amount lastDelivery { attempts { status } } } }
    }
  }
`;

interface Target {
  label: string;
  url: string;
  headers: Record<string, string>;
  query: string;
  operationName: string;
  /** Where the merchant's orders sit in the reply's `data`. */
  edgesOf(data: Record<string, unknown>): unknown[] | undefined;
}

export interface GatewayPlan {
  seconds: number;
  rounds: number;
}

const dashboardEdges = (data: Record<string, unknown>) => (data.merchant as { orders?: { edges?: unknown[] } } | null)?.orders?.edges;
const directEdges = (data: Record<string, unknown>) => (data.payInOrders as { edges?: unknown[] } | null)?.edges;

/** A reply is right when it has data, no errors and the merchant's paid orders. */
function isRightAnswer(target: Target, body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: Record<string, unknown> | null; errors?: unknown[] };
    return !parsed.errors?.length && !!parsed.data && target.edgesOf(parsed.data)?.length === DASHBOARD_PAID_ORDERS;
  } catch {
    return false;
  }
}

function bodyFor(target: Target, merchantId: number): string {
  return JSON.stringify({ query: target.query, variables: { id: String(merchantId) }, operationName: target.operationName });
}

async function preflight(target: Target, merchantIds: number[]): Promise<string> {
  const res = await fetch(target.url, { method: 'POST', headers: target.headers, body: bodyFor(target, merchantIds[0]!) });
  const text = await res.text();
  if (!res.ok || !isRightAnswer(target, text)) throw new Error(`${target.label} answered ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

/** Closed-loop load cycling through the merchants, every reply checked. */
function load(target: Target, merchantIds: number[], seconds: number): Promise<ClosedLoopResult> {
  let n = 0;
  return runClosedLoop({
    title: target.label,
    url: target.url,
    connections: CONNECTIONS,
    maxRequests: 1_000_000,
    maxSeconds: seconds,
    headers: target.headers,
    nextBody: () => bodyFor(target, merchantIds[n++ % merchantIds.length]!),
    verifyBody: (body) => isRightAnswer(target, body),
  });
}

function rowsFor(label: string, runs: ClosedLoopResult[]): Figure[] {
  const best = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const problems = runs.reduce((n, r) => n + r.non2xx + r.errors + r.mismatches, 0);
  return [
    figure(`${label}: requests/s`, `${fmt.rps(best.rps)}${runs.length > 1 ? ` (rounds: ${runs.map((r) => Math.round(r.rps)).join(', ')})` : ''}`),
    figure(`${label}: p95`, fmt.ms(best.latency.p95)),
    ...(problems > 0 ? [figure(`${label}: wrong or failed replies`, String(problems))] : []),
  ];
}

/**
 * Section 5: the dashboard query through our gateway and through Hive Gateway over the same
 * three subgraph processes and the same supergraph, rounds interleaved; plus the in-process
 * gateway of the all-in-one process and the orders subgraph asked directly.
 */
export async function measureGateway(stack: BenchStack, merchantIds: number[], plan: GatewayPlan): Promise<SectionReport> {
  const started: GraphProcess[] = [];
  const notes: string[] = [];
  try {
    const subgraphs = await startSubgraphs(stack.env);
    started.push(...Object.values(subgraphs));
    const ours = await startOurGateway(stack.env, subgraphs);
    started.push(ours);
    let hive: GraphProcess | null = null;
    try {
      hive = await startHiveGateway(stack.env, subgraphs, stack.tmpDir);
      started.push(hive);
    } catch (e) {
      notes.push(`Hive Gateway could not be measured: ${(e as Error).message.split('\n').slice(0, 6).join(' ')}`);
    }

    const bearer = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };
    const dashboard = { query: DASHBOARD_QUERY, operationName: 'Dashboard', edgesOf: dashboardEdges, headers: bearer };
    const targets = {
      ours: { ...dashboard, label: 'our gateway (role gateway)', url: ours.url },
      hive: hive ? { ...dashboard, label: 'Hive Gateway', url: hive.url } : null,
      inProcess: { ...dashboard, label: 'our gateway in the all-in-one process', url: `${stack.baseUrl}/graphql` },
      direct: {
        label: 'orders subgraph directly',
        url: subgraphs.orders.url,
        headers: { 'content-type': 'application/json', [SUBGRAPH_SECRET_HEADER]: BENCH_SUBGRAPH_SECRET, [IDENTITY_HEADER]: 'admin' },
        query: DIRECT_ORDERS_QUERY,
        operationName: 'DirectOrders',
        edgesOf: directEdges,
      },
    };
    const all: Target[] = [targets.ours, ...(targets.hive ? [targets.hive] : []), targets.inProcess, targets.direct];
    const answers = new Map<Target, string>();
    for (const t of all) answers.set(t, await preflight(t, merchantIds));
    if (targets.hive && JSON.stringify(JSON.parse(answers.get(targets.hive)!)) !== JSON.stringify(JSON.parse(answers.get(targets.ours)!))) {
      notes.push('Hive Gateway and our gateway answered the dashboard query differently (see preflight); the comparison is of unequal work.');
    }

    // Warm every target (JIT, keep-alive sockets, query-plan caches); not counted.
    for (const t of all) await load(t, merchantIds, 2);

    const results = { ours: [] as ClosedLoopResult[], hive: [] as ClosedLoopResult[] };
    for (let round = 0; round < plan.rounds; round++) {
      // Alternate which goes first, so neither always meets a warmer or colder machine.
      const order = round % 2 === 0 ? (['ours', 'hive'] as const) : (['hive', 'ours'] as const);
      for (const which of order) {
        const t = targets[which];
        if (t) results[which].push(await load(t, merchantIds, plan.seconds));
      }
    }
    stack.rss.begin('5 gateway (in-process)');
    const inProcess = await load(targets.inProcess, merchantIds, plan.seconds);
    stack.rss.end();
    const direct = await load(targets.direct, merchantIds, plan.seconds);

    const figures: Figure[] = [...rowsFor('ours', results.ours)];
    if (targets.hive) {
      figures.push(...rowsFor('Hive Gateway', results.hive));
      const oursBest = Math.max(...results.ours.map((r) => r.rps));
      const hiveBest = Math.max(...results.hive.map((r) => r.rps));
      figures.push(judged('ours / Hive Gateway (requests/s)', fmt.ratio(oursBest / hiveBest), '≥ 1.00', oursBest >= hiveBest));
    } else {
      figures.push({ name: 'Hive Gateway', value: 'not measured: it did not start (see notes)', verdict: 'not measured', target: 'ours ≥ Hive' });
    }
    figures.push(...rowsFor('all-in-one /graphql (subgraphs in memory)', [inProcess]));
    figures.push(...rowsFor('orders subgraph directly (its part of the query)', [direct]));
    figures.push(figure('peak RSS: our gateway / Hive Gateway', `${fmt.mb(ours.rss.peakMb())} / ${hive ? fmt.mb(hive.rss.peakMb()) : 'n/a'}`));

    return {
      number: 5,
      title: 'Gateway: 3-subgraph dashboard query, ours vs Hive Gateway on the same supergraph and subgraphs',
      figures,
      bounds: [
        `Six Node processes (three subgraphs, two gateways, the all-in-one) plus PostgreSQL and the load generator (${CONNECTIONS} connections) share two cores; a gateway request costs three subgraph round trips, and the subgraphs' own PostgreSQL queries dominate.`,
        `Each gateway gets ${plan.rounds} interleaved rounds of ${plan.seconds} s after a 2 s warm-up; the best round of each is compared. Requests cycle through ${merchantIds.length} merchants (${DASHBOARD_PAID_ORDERS} paid orders each), and every reply is checked (data, no errors, all the merchant's orders); a wrong answer under load counts as a failed reply.`,
        'Both gateways run with their defaults: Hive Gateway (one process, no JIT, no response cache) and ours (depth and cost limits on) both merge identical in-flight subgraph queries — ours only when URL, body and every header (secret and forwarded identity) are equal — which is why requests cycle through merchants; the channel-name fetch to the configs subgraph is identical across merchants and is shared by both.',
      ],
      notes,
    };
  } finally {
    for (const p of started.reverse()) {
      p.rss.stop();
      await p.process.stop();
    }
  }
}
