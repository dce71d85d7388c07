import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditEntry, Channel } from '../../core/entities/index.js';
import { setupTestCore } from '../../test/support/core.js';
import { repoRoot, tsxBin } from '../../test/support/processes.js';

const core = await setupTestCore();
const env = { ...process.env, DATABASE_URL: core.databaseUrl, SECRET_KEY: core.secretKeyHex, LOG_LEVEL: 'silent' };

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(tsxBin, [join(repoRoot, 'app/cli.ts'), ...args, '--json'], { env, encoding: 'utf8', stdio: 'pipe' });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('channel commands', () => {
  it('lists the seeded table and assigns a channel to the monitor plugin, audited', async () => {
    const listed = JSON.parse(cli('channel', 'list').stdout) as { channels: Array<{ id: number; plugin: string | null }> };
    expect(listed.channels.map((c) => c.id)).toEqual([...Array(15).keys()].map((i) => i + 1));
    expect(listed.channels.every((c) => c.plugin === null)).toBe(true);

    const set = cli('channel', 'set', '2', '--plugin', 'monitor', '--enabled', 'true');
    expect(set.status, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ id: 2, name: '支付宝', plugin: 'monitor', enabled: true });
    expect((await core.em().findOneOrFail(Channel, { id: 2 })).plugin).toBe('monitor');
    const entry = await core.em().findOneOrFail(AuditEntry, { action: 'channel.update', subjectId: '2' });
    expect(entry.actor).toBe('cli');
    expect(entry.details).toMatchObject({ before: { plugin: null }, after: { plugin: 'monitor' } });
  }, 30_000);

  it('refuses an unknown plugin and an unknown channel without changing anything', async () => {
    const bad = cli('channel', 'set', '3', '--plugin', 'nonexistent');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/no active payment channel plugin "nonexistent"/);
    expect(cli('channel', 'set', '99', '--enabled', 'false').stderr).toMatch(/no channel 99/);
    expect((await core.em().findOneOrFail(Channel, { id: 3 })).plugin ?? null).toBeNull();
  }, 30_000);
});

describe('callback commands', () => {
  it('shows a delivery and resends it as a new pending delivery with the same bytes, audited', async () => {
    const { oweCallback } = await import('../../core/services/callbacks.js');
    const em = core.em();
    const owedId = await em.transactional(async (tx) =>
      oweCallback(tx, { profile: 'doc004', merchantId: null, subject: { type: 'payin', id: 'X1' }, url: 'http://127.0.0.1:9/cb', body: 'amount=1.00&mrn=X1' }),
    );
    const shown = JSON.parse(cli('callback', 'show', owedId).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: owedId, profile: 'doc004', subject: 'payin:X1', status: 'pending', attempts: [] });
    const resent = JSON.parse(cli('callback', 'resend', owedId).stdout) as { id: string; status: string };
    expect(resent.id).not.toBe(owedId);
    expect(resent.status).toBe('pending');
    const copy = await core.callbacks.byId(core.em(), resent.id);
    expect(copy?.body).toBe('amount=1.00&mrn=X1');
    expect(await core.em().count(AuditEntry, { action: 'callback.resend' })).toBe(1);
    expect(cli('callback', 'resend', 'no-such-id').status).toBe(2);
  }, 30_000);
});
