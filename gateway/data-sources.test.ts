import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, IDENTITY_HEADER, merchantIdentity, SUBGRAPH_SECRET_HEADER, type Identity } from '../subgraphs/shared/identity.js';
import { ForwardingSubgraph, type GatewayContext } from './data-sources.js';
import { SubgraphClient } from './subgraph-client.js';

const SECRET = 'subgraph-secret-for-data-source-tests-0123';

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
const forwarding = new ForwardingSubgraph(url, SECRET);
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
    const unreachable = new ForwardingSubgraph(closedUrl, SECRET);
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
    const client = new SubgraphClient(url);
    const call = client.fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(50) });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    client.close();
  });
});
