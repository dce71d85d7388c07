import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_HEADER, merchantIdentity, SUBGRAPH_SECRET_HEADER, type Identity } from '../subgraphs/shared/identity.js';
import { ForwardingSubgraph, type GatewayContext } from './data-sources.js';
import { SubgraphClient } from './subgraph-client.js';

const SECRET = 'subgraph-secret-for-data-source-tests-0123';
/** The default SUBGRAPH_TIMEOUT_MS, for the tests that are not about timing out. */
const TIMEOUT_MS = 10_000;
/** For the tests that are: short, so a call the subgraph never answers fails fast. */
const SHORT_TIMEOUT_MS = 200;

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: { query: string; variables?: Record<string, unknown> };
}

/** A subgraph stand-in on loopback: records every call and answers with the identity it was sent. */
const hits: Hit[] = [];
let connections = 0;
let answer: (hit: Hit, res: http.ServerResponse) => void;
const subgraph = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    const hit = { headers: req.headers, body: JSON.parse(body) as Hit['body'] };
    hits.push(hit);
    answer(hit, res);
  });
});
subgraph.on('connection', () => connections++);
subgraph.listen(0, '127.0.0.1');
await once(subgraph, 'listening');
const url = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
const forwarding = new ForwardingSubgraph(url, SECRET, TIMEOUT_MS);
afterAll(async () => {
  forwarding.close();
  subgraph.closeAllConnections();
  await new Promise((resolve) => subgraph.close(resolve));
});

const echoIdentity = (hit: Hit, res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: { viewer: { identity: hit.headers[IDENTITY_HEADER] ?? null } } }));
};

beforeEach(() => {
  hits.length = 0;
  answer = echoIdentity;
});

/** What Apollo Gateway hands a data source for one fetch of a client's operation. */
function fetchOf(identity: Identity, query: string, variables: Record<string, unknown> = {}): GraphQLDataSourceProcessOptions<GatewayContext> {
  const context = { identity };
  return { kind: 'incoming operation', request: { query, variables }, context, incomingRequestContext: { context } } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
}

const VIEWER = 'query Viewer__merchants__0 { viewer { identity } }';
const viewerOf = (reply: Awaited<ReturnType<ForwardingSubgraph['process']>>) => (reply.data as { viewer: { identity: string } }).viewer.identity;

describe('forwarding to a subgraph role over HTTP', () => {
  it('merges concurrent identical queries of one caller into one subgraph call, each caller getting its own copy of the reply', async () => {
    const [a, b] = await Promise.all([forwarding.process(fetchOf(ADMIN, VIEWER)), forwarding.process(fetchOf(ADMIN, VIEWER))]);
    expect(hits).toHaveLength(1);
    expect([viewerOf(a), viewerOf(b)]).toEqual(['admin', 'admin']);
    // The gateway writes into what a fetch returns while shaping its result.
    (a.data as { viewer: { identity: string } }).viewer.identity = 'changed';
    expect(viewerOf(b)).toBe('admin');
  });

  it('never merges the same query for different callers: each tenant gets the reply made for its own identity', async () => {
    const callers = [merchantIdentity(1), merchantIdentity(2), ADMIN, merchantIdentity(1)];
    const replies = await Promise.all(callers.map((identity) => forwarding.process(fetchOf(identity, VIEWER))));
    expect(replies.map(viewerOf)).toEqual(['merchant:1', 'merchant:2', 'admin', 'merchant:1']);
    expect(hits.map((h) => h.headers[IDENTITY_HEADER]).sort()).toEqual(['admin', 'merchant:1', 'merchant:2']);
  });

  it('does not merge queries that differ only in their variables', async () => {
    await Promise.all([forwarding.process(fetchOf(ADMIN, VIEWER, { id: '1' })), forwarding.process(fetchOf(ADMIN, VIEWER, { id: '2' }))]);
    expect(hits.map((h) => h.body.variables)).toEqual([{ id: '1' }, { id: '2' }]);
  });

  it('sends every mutation, however identical', async () => {
    const mutation = 'mutation Rotate__merchants__0 { viewer { identity } }';
    await Promise.all([forwarding.process(fetchOf(ADMIN, mutation)), forwarding.process(fetchOf(ADMIN, mutation))]);
    expect(hits).toHaveLength(2);
  });

  it('answers a later identical query with a new call, not from the finished one', async () => {
    await forwarding.process(fetchOf(ADMIN, VIEWER));
    await forwarding.process(fetchOf(ADMIN, VIEWER));
    expect(hits).toHaveLength(2);
  });

  it('sends the shared secret and the identity on every call, over one kept-alive connection', async () => {
    const before = connections;
    for (let i = 0; i < 3; i++) await forwarding.process(fetchOf(merchantIdentity(7), VIEWER));
    expect(hits.map((h) => [h.headers[SUBGRAPH_SECRET_HEADER], h.headers[IDENTITY_HEADER]])).toEqual(Array(3).fill([SECRET, 'merchant:7']));
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('reads a reply that arrives in pieces, splitting a character', async () => {
    answer = (_hit, res) => {
      const body = Buffer.from(JSON.stringify({ data: { viewer: { identity: '收款商户' } } }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.write(body.subarray(0, 30)); // inside the second character
      setTimeout(() => res.end(body.subarray(30)), 20);
    };
    expect(viewerOf(await forwarding.process(fetchOf(ADMIN, VIEWER)))).toBe('收款商户');
  });

  it("passes on the subgraph's refusal with its code", async () => {
    answer = (_hit, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'this subgraph only answers the gateway', extensions: { code: 'UNAUTHENTICATED' } }] }));
    };
    await expect(forwarding.process(fetchOf(ADMIN, VIEWER))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('raises a subgraph that cannot be reached, or drops the connection mid-reply, as a FetchError', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/graphql`;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = new ForwardingSubgraph(closedUrl, SECRET, TIMEOUT_MS);
    await expect(unreachable.process(fetchOf(ADMIN, VIEWER))).rejects.toMatchObject({ name: 'FetchError', message: expect.stringContaining('ECONNREFUSED') });

    answer = (_hit, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"data":');
      setTimeout(() => res.destroy(), 20);
    };
    await expect(Promise.all([forwarding.process(fetchOf(ADMIN, VIEWER)), forwarding.process(fetchOf(ADMIN, VIEWER))])).rejects.toMatchObject({ name: 'FetchError' });
  });

  it("stops waiting when the caller's signal aborts, as an AbortError", async () => {
    answer = () => undefined; // never answers
    const client = new SubgraphClient(url, TIMEOUT_MS);
    const call = client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(50) });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    client.close();
  });
});

describe('the subgraph call timeout (SUBGRAPH_TIMEOUT_MS)', () => {
  const hasty = new ForwardingSubgraph(url, SECRET, SHORT_TIMEOUT_MS);
  afterAll(() => hasty.close());
  const timedOut = { name: 'FetchError', code: 'ETIMEDOUT', message: expect.stringContaining(`no complete reply within ${SHORT_TIMEOUT_MS} ms`) };

  /** The server side of every call left hanging, to see the gateway hang up. */
  const hanging: http.ServerResponse[] = [];
  const neverAnswer = (_hit: Hit, res: http.ServerResponse) => {
    hanging.push(res);
  };
  const closedByGateway = (res: http.ServerResponse) => (res.socket && !res.socket.destroyed ? once(res.socket, 'close') : Promise.resolve());
  beforeEach(() => {
    hanging.length = 0;
  });

  it('gives up on a subgraph that never answers, as a FetchError, and hangs up; the next call gets a new connection and its reply', async () => {
    answer = neverAnswer;
    await expect(hasty.process(fetchOf(ADMIN, VIEWER))).rejects.toMatchObject(timedOut);
    expect(hanging).toHaveLength(1);
    // Destroyed, not parked in the keep-alive pool, where a late reply could answer the next call.
    await closedByGateway(hanging[0]!);

    answer = echoIdentity;
    const before = connections;
    expect(viewerOf(await hasty.process(fetchOf(ADMIN, VIEWER)))).toBe('admin');
    expect(connections - before).toBe(1);
  });

  it('counts the whole reply against the timeout: headers and part of the body are not an answer', async () => {
    answer = (_hit, res) => {
      hanging.push(res);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
      res.write('{"data":');
    };
    await expect(hasty.process(fetchOf(ADMIN, VIEWER))).rejects.toMatchObject(timedOut);
    await closedByGateway(hanging[0]!);
  });

  it('times a merged call out for every caller that joined it, and forgets it', async () => {
    answer = neverAnswer;
    const joined = await Promise.allSettled([hasty.process(fetchOf(ADMIN, VIEWER)), hasty.process(fetchOf(ADMIN, VIEWER))]);
    expect(hits).toHaveLength(1);
    expect(joined).toMatchObject([
      { status: 'rejected', reason: timedOut },
      { status: 'rejected', reason: timedOut },
    ]);
    await closedByGateway(hanging[0]!);

    // An identical query afterwards is a new call, not a join of the abandoned one.
    answer = echoIdentity;
    expect(viewerOf(await hasty.process(fetchOf(ADMIN, VIEWER)))).toBe('admin');
    expect(hits).toHaveLength(2);
  });
});
