import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { setupTestCore } from '../../test/support/core.js';
import type { ParsedArgs } from './command.js';
import { monitorCommands, SMSFORWARDER_TEMPLATE } from './monitor-commands.js';

const core = await setupTestCore();

function run(name: string, positionals: string[], flags: ParsedArgs['flags'] = {}): Promise<Record<string, unknown>> {
  const command = monitorCommands.find((c) => c.name === name);
  if (!command) throw new Error(`no command ${name}`);
  return command.run(core, { positionals, flags });
}

describe('document 000 CLI commands', () => {
  it('creates and lists collection accounts (QR content or image), third-party accounts, and prints the SmsForwarder setup', async () => {
    const issued = await core.merchants.create(core.em(), { name: 'CLI Shop' });
    const pid = issued.pid;
    const created = await run('collection-account create', [], { merchant: pid, 'pay-type': 'alipay', 'channel-code': 'ali_qr', qr: 'https://qr.alipay.com/x1', max: '5000.00', client: 'phone-1' });
    expect(created).toMatchObject({ payType: 'alipay', max: '5000.00', client: 'phone-1', online: false, enabled: true });

    const dir = mkdtempSync(join(tmpdir(), 'paymesh-qr-'));
    writeFileSync(join(dir, 'code.png'), await QRCode.toBuffer('wxp://f2f0cli', { type: 'png', scale: 6 }));
    const fromImage = await run('collection-account create', [], { merchant: pid, 'pay-type': 'wxpay', 'channel-code': 'wx', 'qr-image': join(dir, 'code.png') });
    expect(fromImage.qrContent).toBe('wxp://f2f0cli');

    const updated = await run('collection-account update', [pid, String(created.id)], { disable: true, max: 'none' });
    expect(updated).toMatchObject({ enabled: false, max: '' });
    await expect(run('collection-account create', [], { merchant: pid, 'pay-type': 'alipay', 'channel-code': 'c', qr: 'x', min: '1.005' })).rejects.toThrow(/--min/);
    expect(((await run('collection-account list', [pid])).accounts as unknown[]).length).toBe(2);

    const agent = await run('third-account create', [], { merchant: pid, account: 'A001', type: '1' });
    expect(agent).toMatchObject({ account: 'A001', type: 1, key: expect.any(String) });
    expect((await run('third-account list', [pid])).accounts).toEqual([expect.objectContaining({ account: 'A001', key: `…${String(agent.key).slice(-4)}` })]);

    expect(await run('monitor smsforwarder', [pid], { 'base-url': 'https://pay.example.com/' })).toMatchObject({
      webServer: `https://pay.example.com/api/report/${pid}`,
      webParams: SMSFORWARDER_TEMPLATE,
    });
    await expect(run('collection-account list', ['00000000'])).rejects.toThrow(/no merchant/);
  });
});
