import { afterAll, describe, expect, it } from 'vitest';
import { AuditEntry, MerchantStatus } from '../entities/index.js';
import { setupTestCore } from '../../test/support/core.js';
import { getJson, issueDoc004Merchant, queryString, signQuery, startHttp } from '../../test/support/doc004.js';

const core = await setupTestCore();
const http = await startHttp(core);
afterAll(() => http.app.close());

describe('MerchantService.update', () => {
  it('disables a merchant, audited, and its appKey stops working in document 004 at once', async () => {
    const m = await issueDoc004Merchant(core);
    // Signed with the wrong key: an active merchant's appKey is found and the sign refused;
    // a disabled one's appKey is not found at all.
    const query = () => getJson(`${http.url}/api/Payments/Query?${queryString(signQuery({ appKey: m.appKey, mrn: 'NONE' }, 'wrong-key'))}`);
    expect((await query()).json).toMatchObject({ error: 'sign_error' });

    const updated = await core.merchants.update(core.em(), m.id, { status: MerchantStatus.Disabled, feeRateBp: 30 }, 'admin');
    expect(updated.status).toBe('disabled');
    expect((await query()).json).toMatchObject({ error: 'object_not_found' });

    const entry = await core.em().findOneOrFail(AuditEntry, { action: 'merchant.update', subjectId: String(m.id) });
    expect(entry.actor).toBe('admin');
    expect(entry.details).toMatchObject({ before: { status: 'active', feeRateBp: 0 }, after: { status: 'disabled', feeRateBp: 30 } });
  });

  it('refuses bad values and changes nothing', async () => {
    const m = await issueDoc004Merchant(core);
    for (const bad of [{ feeRateBp: 10001 }, { feeRateBp: 1.5 }, { name: ' ' }, { status: 'frozen' as MerchantStatus }]) {
      await expect(core.merchants.update(core.em(), m.id, bad, 'admin')).rejects.toMatchObject({ code: 'invalid_input' });
    }
    await expect(core.merchants.update(core.em(), 999_999, { name: 'x' }, 'admin')).rejects.toMatchObject({ code: 'not_found' });
    expect(await core.em().count(AuditEntry, { subjectId: String(m.id) })).toBe(0);
  });
});
