import { describe, expect, it } from 'vitest';
import { onPostgres, setupTestCore } from '../../test/support/core.js';
import { ThirdPartyAccount } from '../entities/index.js';

const core = await setupTestCore();

describe(`third-party accounts on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('registers an account under a merchant with its own sealed key, shown once; rotation and disabling take effect', async () => {
    const { merchant } = await core.merchants.create(core.em(), { name: 'Agent Shop' });
    const { account, key } = await core.thirdPartyAccounts.create(core.em(), { merchantId: merchant.id, account: 'A001', type: 1 }, 'cli');
    const stored = await core.em().findOneOrFail(ThirdPartyAccount, { id: account.id });
    expect(stored.keySealed).not.toContain(key);
    expect(stored.keyHint).toBe(key.slice(-4));
    expect((await core.thirdPartyAccounts.open(core.em(), 'A001', 1))?.key).toBe(key);
    expect(await core.thirdPartyAccounts.open(core.em(), 'A001', 2)).toBeNull();

    await expect(core.thirdPartyAccounts.create(core.em(), { merchantId: merchant.id, account: 'A001', type: 1 })).rejects.toMatchObject({ code: 'duplicate' });
    await expect(core.thirdPartyAccounts.create(core.em(), { merchantId: merchant.id, account: 'A001', type: -1 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(core.thirdPartyAccounts.create(core.em(), { merchantId: 987_654, account: 'B', type: 1 })).rejects.toMatchObject({ code: 'not_found' });

    const rotated = await core.thirdPartyAccounts.rotateKey(core.em(), account.id);
    expect(rotated.key).not.toBe(key);
    expect((await core.thirdPartyAccounts.open(core.em(), 'A001', 1))?.key).toBe(rotated.key);

    await core.thirdPartyAccounts.setEnabled(core.em(), account.id, false);
    expect(await core.thirdPartyAccounts.open(core.em(), 'A001', 1)).toBeNull();
    expect((await core.thirdPartyAccounts.list(core.em(), merchant.id)).map((a) => a.account)).toEqual(['A001']);
  });
});
