import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CallbackDelivery } from '../../core/entities/index.js';
import { setupTestCore } from '../../test/support/core.js';
import { fundMerchant, issueDoc004Merchant } from '../../test/support/doc004.js';
import { repoRoot, tsxBin } from '../../test/support/processes.js';

const core = await setupTestCore();
const env = { ...process.env, DATABASE_URL: core.databaseUrl, SECRET_KEY: core.secretKeyHex, LOG_LEVEL: 'silent' };

function cli(...args: string[]): Record<string, unknown> {
  const out = execFileSync(tsxBin, ['--tsconfig', join(repoRoot, 'tsconfig.json'), join(repoRoot, 'app/cli.ts'), ...args, '--json'], { env, encoding: 'utf8' });
  return JSON.parse(out.trim()) as Record<string, unknown>;
}

describe('payout CLI (the sandbox payout channel)', () => {
  it('lists a pending payout and completes it through the real CLI, which owes the merchant callback', async () => {
    const shop = await issueDoc004Merchant(core);
    await fundMerchant(core, shop.id, 10_000);
    const payout = await core.payouts.create(
      core.em(),
      { merchantId: shop.id, mrn: 'cli-1', amount: 10_000, bankName: 'B', accountName: 'A', accountNumber: '1', callbackUrl: 'http://127.0.0.1:9/p' },
      'cli',
    );
    const listed = cli('payout', 'pending') as { payouts: Array<{ id: string; amountYuan: string }> };
    expect(listed.payouts).toContainEqual(expect.objectContaining({ id: payout.publicId, amountYuan: '100.00' }));
    expect(cli('payout', 'complete', payout.publicId)).toMatchObject({ id: payout.publicId, status: 'completed' });
    expect(await core.em().count(CallbackDelivery, { subjectType: 'payout', subjectId: payout.publicId })).toBe(1);
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 0, reserved: 0 });
  }, 20_000);
});
