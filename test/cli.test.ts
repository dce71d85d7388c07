import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Credential, CredentialKind } from '../core/entities/index.js';
import { generateRsaKeyPair, rsa2Sign, rsa2Verify } from '../core/signing/index.js';
import { setupTestCore } from './support/core.js';
import { repoRoot, tsxBin } from './support/processes.js';

const core = await setupTestCore();
const env = { ...process.env, DATABASE_URL: core.databaseUrl, SECRET_KEY: core.secretKeyHex, LOG_LEVEL: 'silent' };

function cli(...args: string[]): Record<string, unknown> {
  const out = execFileSync(tsxBin, [join(repoRoot, 'app/cli.ts'), ...args, '--json'], { env, encoding: 'utf8' });
  const lines = out.trim().split('\n');
  expect(lines).toHaveLength(1); // exactly one JSON object on stdout
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('admin CLI', () => {
  it('creates a merchant whose credentials open through core, lists it, and shows its balance', async () => {
    const created = cli('merchant', 'create', '--name', '测试商户 A');
    expect(Object.keys(created).sort()).toEqual(['apiKey', 'appKey', 'appSecret', 'dashboardToken', 'md5Key', 'pid'].sort());
    const pid = created.pid as string;
    expect(pid).toMatch(/^\d{8}$/);
    // The printed keys are the ones core verifies against.
    const report = await core.credentials.open(core.em(), CredentialKind.ReportKey, pid);
    expect(report?.secret).toBe(created.md5Key);
    const app = await core.credentials.open(core.em(), CredentialKind.AppKey, created.appKey as string);
    expect(app?.secret).toBe(created.appSecret);
    expect((await core.credentials.findByBearer(core.em(), CredentialKind.ApiKey, created.apiKey as string))?.merchant.pid).toBe(pid);

    const listed = cli('merchant', 'list') as { merchants: Array<{ pid: string; name: string }> };
    expect(listed.merchants.find((m) => m.pid === pid)?.name).toBe('测试商户 A');
    expect(cli('merchant', 'balance', pid)).toEqual({ pid, available: 0, reserved: 0, availableYuan: '0.00', reservedYuan: '0.00' });
  }, 60_000);

  it('creates an operator (002) and an open-API app (003) whose platform key verifies platform signatures', async () => {
    const op = cli('operator', 'create', '--name', 'Upstream One');
    expect(op.uid).toMatch(/^\d{7}$/);
    expect((await core.operators.open(core.em(), op.uid as string))?.md5key).toBe(op.md5key);

    const merchant = cli('merchant', 'create', '--name', 'RSA shop');
    const dir = mkdtempSync(join(tmpdir(), 'paymesh-cli-'));
    const callerKey = generateRsaKeyPair(2048);
    writeFileSync(join(dir, 'pub.pem'), callerKey.publicKeyPem);
    const app = cli('openapi-app', 'create', '--merchant', merchant.pid as string, '--public-key', join(dir, 'pub.pem'));
    expect(app.app_id).toMatch(/^\d{16}$/);
    const platform = await core.openApiApps.platformKey(core.em());
    expect(app.platformPublicKey).toBe(platform.publicKeyPem);
    expect(rsa2Verify('a=1', rsa2Sign('a=1', platform.privateKeyPem), app.platformPublicKey as string)).toBe(true);
    expect(readFileSync(join(dir, 'pub.pem'), 'utf8')).toContain('PUBLIC KEY');
  }, 60_000);

  it('fails with one line on stderr and a non-zero exit for bad usage', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync(tsxBin, [join(repoRoot, 'app/cli.ts'), 'merchant', 'create', '--json'], { env, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = (e as { stderr: string }).stderr;
    }
    expect(status).toBe(2);
    expect(stderr.trim()).toBe('paymesh cli: --name is required');
  }, 30_000);
});

describe('secrets at rest', () => {
  it('never stores a credential secret in clear', async () => {
    const issued = await core.merchants.create(core.em(), { name: 'Sealed' });
    const rows = await core.em().execute<Array<Record<string, unknown>>>('select * from credential where merchant_id = ?', [issued.merchant.id]);
    expect(rows).toHaveLength(4);
    const dump = JSON.stringify(rows);
    for (const secret of [issued.md5Key, issued.appSecret, issued.apiKey, issued.dashboardToken]) expect(dump).not.toContain(secret);
    const sealed = await core.em().find(Credential, { merchant: issued.merchant });
    expect(sealed.every((c) => c.secretSealed.startsWith('v1:'))).toBe(true);
    if (core.databaseUrl.startsWith('sqlite:')) {
      const file = core.databaseUrl.slice('sqlite:'.length);
      await core.em().execute('pragma wal_checkpoint(full)');
      const bytes = Buffer.concat([readFileSync(file), ...(['-wal'].map((s) => { try { return readFileSync(file + s); } catch { return Buffer.alloc(0); } }))]);
      for (const secret of [issued.md5Key, issued.appSecret]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
      // The file does hold the merchant's name, so the byte search itself works.
      expect(bytes.includes(Buffer.from('Sealed'))).toBe(true);
    }
  });
});
