import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { startCallbackReceiver, type CallbackReceiver } from '../../test/support/callback-receiver.js';
import { freePort } from '../../test/support/processes.js';
import { guardedPost, type GuardedPost } from './guarded-post.js';
import { callbackUrlProblem, resolveCallbackTarget, type HostResolver } from './ssrf-guard.js';

const open: CallbackReceiver[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
  for (const s of servers.splice(0)) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/**
 * A receiver on `host:port` that counts connections and requests; `drop(n)` says whether
 * the n-th request on one connection is answered by closing that connection.
 */
async function countingServer(host: string, port: number, drop: (requestOnSocket: number) => boolean = () => false) {
  const seen = { connections: 0, requests: 0 };
  const perSocket = new WeakMap<object, number>();
  const server = createServer((req, res) => {
    seen.requests++;
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    req.resume();
    req.on('end', () => (drop(n) ? req.socket.destroy() : res.end('success')));
  });
  server.on('connection', () => seen.connections++);
  servers.push(server);
  server.listen(port, host);
  await once(server, 'listening');
  return seen;
}

/** A resolver answering the given addresses in turn, one per lookup. */
function answersInTurn(...addresses: string[]): HostResolver {
  let i = 0;
  return async () => [{ address: addresses[i++ % addresses.length]!, family: 4 }];
}

async function receiver(...args: Parameters<typeof startCallbackReceiver>): Promise<CallbackReceiver> {
  const r = await startCallbackReceiver(...args);
  open.push(r);
  return r;
}

const allowLocal = { allowLoopbackAndPrivate: true };
const strict = { allowLoopbackAndPrivate: false };

function post(url: string, extra: Partial<GuardedPost> = {}): ReturnType<typeof guardedPost> {
  return guardedPost({ url, headers: { 'content-type': 'text/plain' }, body: 'a=1&b=二', timeoutMs: 2000, replyCapBytes: 64, policy: allowLocal, ...extra });
}

describe('callbackUrlProblem (no network)', () => {
  it('refuses schemes other than http and https, and non-URLs', () => {
    expect(callbackUrlProblem('ftp://example.com/x', strict)).toMatch(/scheme ftp/);
    expect(callbackUrlProblem('file:///etc/passwd', strict)).toMatch(/scheme file/);
    expect(callbackUrlProblem('gopher://127.0.0.1:6379/_INFO', allowLocal)).toMatch(/scheme gopher/);
    expect(callbackUrlProblem('javascript:alert(1)', strict)).toMatch(/scheme javascript/);
    expect(callbackUrlProblem('/relative/path', strict)).toBe('not a valid absolute URL');
  });

  it('judges literal addresses in every spelling the URL parser canonicalises', () => {
    for (const url of [
      'http://127.0.0.1/x',
      'http://2130706433/x',
      'http://0x7f.1/x',
      'http://017700000001/x',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[::ffff:7f00:1]/x',
      'http://10.0.0.8/x',
      'https://192.168.1.1/x',
    ]) {
      expect(callbackUrlProblem(url, strict), url).toMatch(/is a (loopback|private) address/);
      expect(callbackUrlProblem(url, allowLocal), url).toBeNull();
    }
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://0.0.0.0:8080/', 'http://[fe80::1]/', 'http://224.0.0.1/']) {
      expect(callbackUrlProblem(url, allowLocal), url).toMatch(/is a (link-local|unspecified|multicast) address/);
    }
    expect(callbackUrlProblem('https://8.8.8.8/notify', strict)).toBeNull();
    expect(callbackUrlProblem('https://merchant.example.com/notify', strict)).toBeNull();
  });
});

describe('resolveCallbackTarget', () => {
  it('refuses a name when any of its addresses is refused', async () => {
    const mixed: HostResolver = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    await expect(resolveCallbackTarget('http://mixed.example/cb', strict, mixed)).rejects.toThrow(/resolves to 10\.0\.0\.5 \(private\)/);
  });

  it('refuses localhost by what it resolves to', async () => {
    await expect(resolveCallbackTarget('http://localhost:9/cb', strict)).rejects.toThrow(/localhost resolves to .* \(loopback\)/);
  });

  it('reports a name that does not resolve', async () => {
    const failing: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    await expect(resolveCallbackTarget('http://nowhere.example/cb', strict, failing)).rejects.toThrow('cannot resolve nowhere.example: ENOTFOUND');
    await expect(resolveCallbackTarget('http://nowhere.example/cb', strict, async () => [])).rejects.toThrow(/no address/);
  });

  it('pins the first checked address', async () => {
    const target = await resolveCallbackTarget('https://pay.example/cb', strict, async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
    expect(target.pinned).toEqual({ address: '93.184.216.34', family: 4 });
    expect(target.url.hostname).toBe('pay.example');
  });
});

describe('guardedPost', () => {
  it('sends the exact bytes with its headers and reads the reply', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const reply = await post(`${r.url}/notify?x=1`, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-extra': 'yes' } });
    expect(reply).toMatchObject({ httpStatus: 200, body: 'success', truncated: false, error: null, refused: false });
    expect(r.requests).toHaveLength(1);
    const got = r.requests[0]!;
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/notify?x=1');
    expect(got.body.equals(Buffer.from('a=1&b=二', 'utf8'))).toBe(true);
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength('a=1&b=二')));
    expect(got.headers['x-extra']).toBe('yes');
  });

  it('refuses a loopback receiver without opening a connection when loopback is not allowed', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    for (const url of [`${r.url}/cb`, `http://localhost:${r.port}/cb`, `http://2130706433:${r.port}/cb`, `http://[::ffff:127.0.0.1]:${r.port}/cb`]) {
      const reply = await post(url, { policy: strict });
      expect(reply.refused, url).toBe(true);
      expect(reply.httpStatus).toBeNull();
      expect(reply.error).toMatch(/refused: .*loopback/);
    }
    expect(r.connections()).toBe(0);
  });

  it('connects to the checked address, not to a second DNS answer (rebinding)', async () => {
    const r = await receiver(() => ({ status: 200, body: 'ok' }));
    let lookups = 0;
    const resolver: HostResolver = async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    // `.invalid` never resolves in real DNS: the request can only arrive through the pin.
    const reply = await post(`http://merchant.invalid:${r.port}/cb`, { resolve: resolver });
    expect(reply.httpStatus).toBe(200);
    expect(lookups).toBe(1);
    expect(r.requests[0]!.headers.host).toBe(`merchant.invalid:${r.port}`);
  });

  it('gives up at the deadline when the receiver never answers', async () => {
    const r = await receiver(() => 'hang');
    const reply = await post(`${r.url}/slow`, { timeoutMs: 250 });
    expect(reply.error).toBe('timeout after 250 ms');
    expect(reply.httpStatus).toBeNull();
    expect(reply.latencyMs).toBeGreaterThanOrEqual(240);
    expect(reply.latencyMs).toBeLessThan(1500);
    expect(r.requests).toHaveLength(1);
  });

  it('counts DNS inside the deadline', async () => {
    const never: HostResolver = () => new Promise(() => undefined);
    const reply = await post('http://stuck.example/cb', { timeoutMs: 150, resolve: never });
    expect(reply.error).toBe('timeout after 150 ms');
    expect(reply.refused).toBe(false);
  });

  it('reads at most the cap of a large reply and says so', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success'.padEnd(100_000, ' ') }));
    const reply = await post(`${r.url}/big`, { replyCapBytes: 64 });
    expect(reply.truncated).toBe(true);
    expect(reply.body).toHaveLength(64);
    expect(reply.httpStatus).toBe(200);
  });

  it('does not follow redirects', async () => {
    const target = await receiver(() => ({ status: 200, body: 'success' }));
    const r = await receiver(() => ({ status: 302, body: '' }));
    const reply = await post(`${r.url}/moved`);
    expect(reply.httpStatus).toBe(302);
    expect(target.connections()).toBe(0);
  });

  it('records a refused connection as an error', async () => {
    const port = await freePort();
    const reply = await post(`http://127.0.0.1:${port}/cb`);
    expect(reply.httpStatus).toBeNull();
    expect(reply.error).toMatch(/ECONNREFUSED/);
    expect(reply.refused).toBe(false);
  });
});

/** A self-signed certificate for `name`, made by openssl for this run (no key is committed). */
function selfSignedCertificate(name: string): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'paymesh-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('guardedPost over https', () => {
  it('connects to the checked address with the URL host as the TLS server name, and refuses a certificate nobody trusts', async () => {
    const port = await freePort();
    const credentials = selfSignedCertificate('merchant.invalid');
    const serverNames: string[] = [];
    let requests = 0;
    const server = createTlsServer(
      {
        ...credentials,
        SNICallback: (name, done) => {
          serverNames.push(name);
          done(null, createSecureContext(credentials));
        },
      },
      (_req, res) => {
        requests++;
        res.end('success');
      },
    );
    servers.push(server);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const reply = await post(`https://merchant.invalid:${port}/cb`, { resolve: answersInTurn('127.0.0.1') });
    expect(reply).toMatchObject({ httpStatus: null, refused: false });
    expect(reply.error).toMatch(/self[- ]signed certificate/i);
    expect(serverNames).toEqual(['merchant.invalid']);
    expect(requests).toBe(0);
  });
});

describe('guardedPost connection reuse', () => {
  it('reuses a kept-alive socket only for the same checked address and host name', async () => {
    const first = await receiver(() => ({ status: 200, body: 'success' }));
    const second = await countingServer('127.0.0.2', first.port); // same port, another address
    const resolve = answersInTurn('127.0.0.1', '127.0.0.2', '127.0.0.1');
    const url = `http://merchant.invalid:${first.port}/cb`;

    for (let i = 0; i < 3; i++) expect((await post(url, { resolve })).httpStatus).toBe(200);
    // The request checked to 127.0.0.2 went to 127.0.0.2 on a socket of its own, not over the
    // kept-alive one to 127.0.0.1; the third, checked to 127.0.0.1 again, reused that one.
    expect(second).toEqual({ connections: 1, requests: 1 });
    expect(first.requests).toHaveLength(2);
    expect(first.connections()).toBe(1);

    // Same address, another host name (another Host header or TLS servername): its own socket.
    expect((await post(`http://other.invalid:${first.port}/cb`, { resolve: answersInTurn('127.0.0.1') })).httpStatus).toBe(200);
    expect(first.connections()).toBe(2);
    expect(first.requests.map((r) => r.headers.host)).toEqual([`merchant.invalid:${first.port}`, `merchant.invalid:${first.port}`, `other.invalid:${first.port}`]);
  });

  it('still checks every request: a refused target makes no request, even with a kept-alive socket to it', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    expect((await post(`${r.url}/cb`)).httpStatus).toBe(200);
    const refusedLiteral = await post(`${r.url}/cb`, { policy: strict });
    const refusedByName = await post(`http://merchant.invalid:${r.port}/cb`, { policy: strict, resolve: answersInTurn('127.0.0.1') });
    for (const reply of [refusedLiteral, refusedByName]) expect(reply).toMatchObject({ refused: true, httpStatus: null });
    expect(r.requests).toHaveLength(1);
    expect(r.connections()).toBe(1);
  });

  it('sends again on a fresh connection when the receiver closed a kept-alive socket as it was reused', async () => {
    const port = await freePort();
    const seen = await countingServer('127.0.0.1', port, (n) => n === 2);
    const url = `http://127.0.0.1:${port}/cb`;
    expect(await post(url)).toMatchObject({ httpStatus: 200, body: 'success' });
    // The pool frees a socket for the next request a tick after the reply ends.
    await new Promise((r) => setImmediate(r));
    expect(await post(url)).toMatchObject({ httpStatus: 200, body: 'success', error: null });
    expect(seen).toEqual({ connections: 2, requests: 3 });
  });

  it('does not send again when a fresh connection closes without a reply: the attempt failed', async () => {
    const port = await freePort();
    const seen = await countingServer('127.0.0.1', port, () => true);
    const reply = await post(`http://127.0.0.1:${port}/cb`);
    expect(reply.httpStatus).toBeNull();
    expect(reply.error).toMatch(/closed/);
    expect(seen).toEqual({ connections: 1, requests: 1 });
  });
});
